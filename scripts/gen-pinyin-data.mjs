// gen-pinyin-data.mjs: builds data/pinyin/words.txt, recast's Mandarin word table.
// Run through scripts/gen-pinyin-data.sh (it installs the pinned inputs); see data/pinyin/README.md.
//
// Inputs: argv[2] jieba dict.txt (word freq pos), argv[3] Unihan kMandarin lines
// (U+XXXX<TAB>kMandarin<TAB>reading), argv[4] data/pinyin/fixes.txt (adjudicated readings,
// see its header), argv[5] the output file, argv[6] Unihan kSimplifiedVariant lines.
// Output: a first line "<TAB>TOTAL" (the sum of FREQ), then one line a word, sorted by UTF-8 bytes:  WORD<TAB>FREQ[<TAB>READING]
//   FREQ     jieba's count (0: not a word for segmentation, a character's reading only)
//   READING  space-separated syllables with tone digits 1-5 (5 = neutral, v = ü), given
//            when it differs from the characters' own readings put together; every
//            single character has one.
//   T        (4th field, characters only) the character has a Simplified form: recast
//            looks the run up through OpenCC's t2s.
// Readings are lexical: no 一/不 sandhi (recast's rules apply it in context).
import { readFileSync, writeFileSync } from 'node:fs';
import { pinyin } from 'pinyin-pro';

const [jiebaPath, unihanPath, fixesPath, outPath, variantsPath, cedictPath, cedictOutPath] = process.argv.slice(2);
const MIN_FREQ = Number(process.env.MIN_FREQ || 4); // below: kept only when its reading is special

const isHan = (cp) => (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) || cp === 0x3007 ||
    (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x2ffff);
const allHan = (w) => [...w].every((c) => isHan(c.codePointAt(0)));

const marks = { 'ā': ['a', 1], 'á': ['a', 2], 'ǎ': ['a', 3], 'à': ['a', 4], 'ē': ['e', 1], 'é': ['e', 2], 'ě': ['e', 3],
    'è': ['e', 4], 'ī': ['i', 1], 'í': ['i', 2], 'ǐ': ['i', 3], 'ì': ['i', 4], 'ō': ['o', 1], 'ó': ['o', 2], 'ǒ': ['o', 3],
    'ò': ['o', 4], 'ū': ['u', 1], 'ú': ['u', 2], 'ǔ': ['u', 3], 'ù': ['u', 4], 'ǖ': ['v', 1], 'ǘ': ['v', 2], 'ǚ': ['v', 3],
    'ǜ': ['v', 4], 'ü': ['v', 0], 'ń': ['n', 2], 'ň': ['n', 3], 'ǹ': ['n', 4], 'ḿ': ['m', 2], 'm̀': ['m', 4], 'ê': ['e', 0] };
// A syllable as espeak's cmn-latn-pinyin voice takes it: lower-case letters, then a tone digit 1-5.
const SYL = /^[a-z]+[1-5]$/;
function fromMarks(s) {
    let tone = 5, out = '';
    for (const ch of s.normalize('NFC')) {
        if (marks[ch]) { out += marks[ch][0]; if (marks[ch][1]) tone = marks[ch][1]; } else out += ch;
    }
    out = out.replace(/\u0300|\u0301|\u030c|\u0304/g, '');
    return out + tone;
}
function fromNum(s) { // pinyin-pro num style: "lü4", "zhe0", "ren4"
    let t = s.replace(/ü/g, 'v');
    if (/0$/.test(t)) t = t.slice(0, -1) + '5';
    if (!/[1-5]$/.test(t)) t += '5';
    return t;
}
const readingOf = (w) => pinyin(w, { toneType: 'num', type: 'array', toneSandhi: false }).map(fromNum);

// Unihan: first kMandarin reading of each character
const unihan = new Map();
for (const line of readFileSync(unihanPath, 'utf8').split('\n')) {
    const f = line.split('\t');
    if (f.length < 3 || f[1] !== 'kMandarin') continue;
    const ch = String.fromCodePoint(parseInt(f[0].slice(2), 16));
    const syl = fromMarks(f[2].split(' ')[0]);
    if (SYL.test(syl)) unihan.set(ch, syl);
}

// Unihan kSimplifiedVariant: characters that have a Simplified form other than themselves
const traditional = new Set();
for (const line of readFileSync(variantsPath, 'utf8').split('\n')) {
    const f = line.split('\t');
    if (f.length < 3 || f[1] !== 'kSimplifiedVariant') continue;
    const ch = String.fromCodePoint(parseInt(f[0].slice(2), 16));
    if (f[2].split(' ').some((u) => String.fromCodePoint(parseInt(u.slice(2), 16)) !== ch)) traditional.add(ch);
}

// jieba words
const words = new Map(); // word -> freq
for (const line of readFileSync(jiebaPath, 'utf8').split('\n')) {
    const f = line.split(' ');
    if (f.length < 2 || !allHan(f[0])) continue;
    words.set(f[0], (words.get(f[0]) || 0) + Number(f[1]));
}

// adjudicated readings
const fixes = new Map(); // word -> syllables, everywhere
const alone = new Map(); // character -> its reading when it is a word by itself
const added = []; // adjudicated words that are not in jieba's dictionary
const finalDefault = new Map(); // character -> its default as the last character of a word
const initialDefault = new Map(); // character -> its default as the first character of a word
for (const [i, line] of readFileSync(fixesPath, 'utf8').split('\n').entries()) {
    const l = line.replace(/#.*/, '').trim();
    if (!l) continue;
    const [w, r, scope] = l.split('\t');
    const syl = (r || '').trim().split(/\s+/);
    if (/^\*.$|^.\*$/u.test(w) && syl.length === 1 && SYL.test(syl[0])) { // *为: word-final default
        (w[0] === '*' ? finalDefault : initialDefault).set(w.replace('*', ''), syl[0]);
        continue;
    }
    if (!w || !allHan(w) || syl.length !== [...w].length || !syl.every((s) => SYL.test(s)))
        throw new Error(`${fixesPath}:${i + 1}: want WORD<TAB>one syllable with a tone digit per character`);
    if (scope === 'alone') alone.set(w, syl[0]);
    else if (scope) throw new Error(`${fixesPath}:${i + 1}: the third field can only be "alone"`);
    else fixes.set(w, syl);
    if (!words.has(w)) added.push(w);
}
// an adjudicated word jieba lacks gets the frequency that makes it beat its characters
// read one by one (jieba's suggest_freq)
let jiebaTotal = 0;
for (const f of words.values()) jiebaTotal += f;
for (const w of added) {
    let p = 1;
    for (const c of w) p *= (words.get(c) || 1) / jiebaTotal;
    words.set(w, Math.max(MIN_FREQ, Math.ceil(p * jiebaTotal) + 1));
}

// character readings: pinyin-pro's default, else Unihan's first
const charReading = new Map();
const chars = new Set([...unihan.keys()]);
for (const w of words.keys()) for (const c of w) chars.add(c);
const ppChar = new Map(); // pinyin-pro's own reading of each character alone
for (const c of chars) {
    const p = readingOf(c)[0];
    if (SYL.test(p)) ppChar.set(c, p);
    let r = fixes.get(c)?.[0]; // the default inside words
    if (!r) r = ppChar.get(c);
    if (!r) r = unihan.get(c);
    if (r) charReading.set(c, r);
}

const ppDecided = new Map(); // word -> [position decided by pinyin-pro's dictionary]
const finalReading = new Map(); // word -> syllables as words.txt gives them
const lines = [];
let kept = 0, special = 0, dropped = 0;
// a character's line holds its reading alone; words are composed from those lines at run time
const lineReading = (c) => alone.get(c) || charReading.get(c);
for (const c of chars) if (charReading.has(c) && !words.has(c)) lines.push([c, 0, lineReading(c)]);
for (const [w, freq] of words) {
    const cs = [...w];
    if (!cs.every((c) => charReading.has(c))) { dropped++; continue; }
    if (cs.length === 1) { lines.push([w, freq, lineReading(w)]); continue; }
    const composed = cs.map((c) => charReading.get(c));
    const runtime = cs.map(lineReading);
    // pinyin-pro's reading of a syllable counts where its dictionary chose it (it differs from
    // pinyin-pro's reading of that character alone); elsewhere recast's default is used.
    let r = fixes.get(w);
    if (!r) {
        const pp = readingOf(w);
        const fallback = composed.map((s, i) =>
            (i === cs.length - 1 && finalDefault.get(cs[i])) || (i === 0 && initialDefault.get(cs[i])) || s);
        if (pp.length === cs.length && pp.every((s) => SYL.test(s)))
            r = pp.map((s, i) => (s !== ppChar.get(cs[i]) ? s : fallback[i]));
        else r = fallback;
        ppDecided.set(w, pp.map((s, i) => s !== ppChar.get(cs[i])));
        // an adjudicated word at the end of a longer one keeps its reading there (是因为)
        for (const [k, kr] of fixes) {
            if (kr.length < 2 || kr.length >= cs.length || !w.endsWith(k)) continue;
            r = r.slice(0, cs.length - kr.length).concat(kr);
        }
    }
    const differs = r.join(' ') !== runtime.join(' ');
    if (!differs && freq < MIN_FREQ && !fixes.has(w)) { dropped++; continue; }
    kept++;
    if (differs) special++;
    finalReading.set(w, r);
    lines.push([w, freq, differs ? r.join(' ') : null]);
}
lines.sort((a, b) => Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0])));
// first line: TAB, then the sum of all frequencies (jieba's total, for word probabilities)
let total = 0;
for (const [, f] of lines) total += f;
const line = ([w, f, r]) => (traditional.has(w) ? `${w}\t${f}\t${r}\tT\n` : r ? `${w}\t${f}\t${r}\n` : `${w}\t${f}\n`);
writeFileSync(outPath, `\t${total}\n` + lines.map(line).join(''));
// CC-CEDICT (a separate file: CC BY-SA 4.0): for words of the table whose single CEDICT
// reading differs where pinyin-pro's dictionary did not decide (mostly neutral tones:
// 时候 shi2 hou5, 朋友 peng2 you5) and no adjudicated reading exists.
let cedictLines = [];
if (cedictPath) {
    const cedict = (await import(cedictPath)).default;
    const norm = (s) => {
        let t = s.toLowerCase().replace(/u:/g, 'v').replace(/ü/g, 'v');
        if (t === 'r5') t = 'er5';
        return t;
    };
    for (const [w, r] of finalReading) {
        if (fixes.has(w) || !cedict[w]) continue;
        const readings = Object.keys(cedict[w]).map((x) => x.split(' ').map(norm));
        const distinct = [...new Set(readings.map((x) => x.join(' ')))];
        if (distinct.length !== 1) continue;
        const cr = readings[0];
        if (cr.length !== r.length || !cr.every((x) => SYL.test(x))) continue;
        const decided = ppDecided.get(w) || [];
        const merged = r.map((x, i) => (decided[i] ? x : cr[i]));
        // same syllables, other tones only where the letters agree (never a new syllable)
        if (merged.some((x, i) => x.slice(0, -1) !== r[i].slice(0, -1))) continue;
        if (merged.join(' ') !== r.join(' ')) cedictLines.push([w, merged.join(' ')]);
    }
    cedictLines.sort((a, b) => Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0])));
    writeFileSync(cedictOutPath, cedictLines.map(([w, r]) => `${w}\t${r}\n`).join(''));
}
console.error(`gen-pinyin-data: ${cedictLines.length} CC-CEDICT readings`);
console.error(`gen-pinyin-data: ${lines.length} lines (${charReading.size} characters, ${kept} words of which ` +
    `${special} with their own reading; ${dropped} jieba words dropped)`);

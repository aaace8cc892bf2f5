// eval-pinyin.mjs: scores what espeak said (pinyin_measure's output) against a reference.
// Run by tests/tools/measure-pinyin.sh.  node eval-pinyin.mjs MEASURE.tsv ADJUDICATED.tsv CEDICT.js
//
// Reference, per character: where recast agrees with pinyin-pro 3.29.4 (toneSandhi on: it
// applies 一/不 sandhi) the reading is taken as right unless the adjudication file says
// otherwise; where they disagree, the adjudication file (WORD<TAB>reading with 一/不
// sandhi, decided against 现代汉语词典 / 普通话异读词审音表, one entry per word, never per
// sentence; a syllable may list accepted alternatives, li3|li5) decides, and a
// disagreement nobody adjudicated counts against recast.
// CC-CEDICT (longest match) is the second dictionary: SHOW_CEDICT=N lists where recast and
// pinyin-pro agree but CC-CEDICT does not (errors the two might share), for adjudication.
// A syllable is right when espeak said the reference syllable (the phonemes of recast's
// syllable, checked by pinyin_measure) with the reference tone (a third tone heard as a
// second before another third: espeak's 3-3 sandhi).
import { readFileSync } from 'node:fs';
import { pinyin } from 'pinyin-pro';

const [measurePath, adjPath, cedictPath] = process.argv.slice(2);
const cedict = cedictPath ? (await import(cedictPath)).default : {};
const norm = (s) => {
    let t = s.toLowerCase().replace(/u:/g, 'v').replace(/ü/g, 'v');
    if (/0$/.test(t)) t = t.slice(0, -1) + '5';
    if (!/[1-5]$/.test(t)) t += '5';
    return t === 'r5' ? 'er5' : t;
};
const adj = new Map();
for (const line of readFileSync(adjPath, 'utf8').split('\n')) {
    const l = line.replace(/#.*/, '').trim();
    if (!l) continue;
    const [w, r] = l.split('\t');
    adj.set(w, r.trim().split(/\s+/)); // a syllable may give alternatives: zhe4 li3|li5
}
const adjKeys = [...adj.keys()].sort((a, b) => [...b].length - [...a].length);

function cedictRead(chars) {
    const out = [];
    for (let i = 0; i < chars.length;) {
        let done = false;
        for (let k = Math.min(8, chars.length - i); k >= 1 && !done; k--) {
            const w = chars.slice(i, i + k).join('');
            const e = cedict[w];
            if (!e) continue;
            const r = Object.keys(e)[0].split(' ').map(norm);
            if (r.length !== k) continue;
            out.push(...r), i += k, done = true;
        }
        if (!done) out.push('?'), i++;
    }
    return out;
}
const toneOk = (want, heard, next, base) => {
    if (heard === 0) return ['m', 'n', 'ng', 'hng', 'hm'].includes(base);
    if (want === 3) return heard === 3 || (heard === 2 && next === 3);
    return heard === want;
};

let total = 0, right = 0, aligned = 0, heardAsWritten = 0, yibuTotal = 0, yibuRight = 0;
let agreePP = 0, unadjudicated = 0, adjudicatedAgainstPP = 0;
const wrongGroups = new Map(), disagreeGroups = new Map(), cedictGroups = new Map();
const listed = ['认为', '作为', '成为', '行为', '了解', '地方', '重新', '处于', '处理', '取得', '获得', '得到', '部分',
    '挑战', '兴奋', '好奇', '万行', '调整', '应用', '几乎', '似乎', '信息'];
const listedStats = new Map(listed.map((w) => [w, [0, 0]]));
for (const line of readFileSync(measurePath, 'utf8').split('\n')) {
    if (!line) continue;
    const [han, oursStr, heardStr] = line.split('\t');
    const chars = [...han];
    const ours = oursStr.split(' ');
    const pp = pinyin(han, { toneType: 'num', type: 'array' }).map(norm);
    const cd = cedictRead(chars);
    // adjudicated words covering each character
    const ref = pp.slice();
    const adjAt = new Array(chars.length).fill(null);
    for (const k of adjKeys) {
        const kc = [...k];
        for (let i = han.indexOf(k); i >= 0; i = han.indexOf(k, i + 1)) {
            const ci = [...han.slice(0, i)].length;
            for (let j = 0; j < kc.length; j++) if (!adjAt[ci + j]) adjAt[ci + j] = [k, adj.get(k)[j]];
        }
    }
    const heard = heardStr === '-' ? null : heardStr.split(' ').map((t) => {
        const [b, tone] = t.split('/');
        return [b, Number(tone)];
    });
    for (let i = 0; i < chars.length; i++) {
        total++;
        if (ours[i] === pp[i]) agreePP++;
        if (adjAt[i]) {
            ref[i] = adjAt[i][1];
            if (!adjAt[i][1].split('|').includes(pp[i])) adjudicatedAgainstPP++;
        } else if (ours[i] !== pp[i]) {
            unadjudicated++;
        }
    }
    const heardOk = (i) => { // did espeak say one of the reference's alternatives at i?
        const next = i + 1 < chars.length ? Number(ref[i + 1].split('|')[0].slice(-1)) : 0;
        const [hb, ht] = heard[i];
        return ref[i].split('|').some((want) => hb === want.slice(0, -1) && toneOk(Number(want.slice(-1)), ht, next, hb));
    };
    for (let i = 0; i < chars.length; i++) {
        const want = ref[i];
        let ok = false;
        if (heard) {
            aligned++;
            const [hb, ht] = heard[i];
            const ob = ours[i].slice(0, -1), ot = Number(ours[i].slice(-1));
            const onext = i + 1 < chars.length ? Number(ours[i + 1].slice(-1)) : 0;
            if (hb === ob && toneOk(ot, ht, onext, ob)) heardAsWritten++;
            ok = heardOk(i);
        }
        if (ok) right++;
        if (chars[i] === '一' || chars[i] === '不') {
            yibuTotal++;
            if (ok) yibuRight++;
        }
        // the word around i for the listing: ±1 character
        const ctx = chars.slice(Math.max(0, i - 1), i + 2).join('');
        if (!ok) {
            const key = `${chars[i]} in ${ctx}: said ${heard ? heard[i].join('/') : '-'} (recast ${ours[i]}), want ${want}` +
                ` (pinyin-pro ${pp[i]}, CC-CEDICT ${cd[i]}${adjAt[i] ? ', adjudicated ' + adjAt[i][0] : ''})`;
            wrongGroups.set(key, (wrongGroups.get(key) || 0) + 1);
        }
        if (ours[i] === pp[i] && cd[i] !== '?' && cd[i] !== ours[i] && !adjAt[i]) { // shared with pinyin-pro, not CC-CEDICT
            const key = `${ctx}[${chars[i]}] recast = pinyin-pro ${ours[i]}, cedict ${cd[i]}`;
            cedictGroups.set(key, (cedictGroups.get(key) || 0) + 1);
        }
        if (ours[i] !== pp[i]) {
            const key = `${ctx}[${chars[i]}] recast ${ours[i]} pinyin-pro ${pp[i]} cedict ${cd[i]}${adjAt[i] ? ' adj ' + adjAt[i][1] : ''}`;
            disagreeGroups.set(key, (disagreeGroups.get(key) || 0) + 1);
        }
    }
    for (const w of listed) {
        for (let i = han.indexOf(w); i >= 0; i = han.indexOf(w, i + 1)) {
            const ci = [...han.slice(0, i)].length;
            const st = listedStats.get(w);
            st[0]++;
            let allOk = !!heard;
            for (let j = 0; heard && j < [...w].length; j++) if (!heardOk(ci + j)) allOk = false;
            if (allOk) st[1]++;
        }
    }
}
const pct = (a, b) => (b ? (100 * a / b).toFixed(2) : '0.00') + '%';
console.log(`syllables: ${total}; traced and aligned: ${aligned}; espeak said recast's own syllable and tone: ${heardAsWritten} (${pct(heardAsWritten, aligned)})`);
console.log(`syllables right against the adjudicated reference: ${right} of ${total} (${pct(right, total)})`);
console.log(`一/不 right: ${yibuRight} of ${yibuTotal} (${pct(yibuRight, yibuTotal)})`);
console.log(`recast = pinyin-pro on ${agreePP} (${pct(agreePP, total)}); adjudicated against pinyin-pro: ${adjudicatedAgainstPP}; unadjudicated disagreements (counted wrong): ${unadjudicated}`);
console.log('issue words (right / seen): ' + [...listedStats].map(([w, [n, ok]]) => `${w} ${ok}/${n}`).join(', '));
const top = (m, n) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n);
if (process.env.SHOW_WRONG) for (const [k, n] of top(wrongGroups, Number(process.env.SHOW_WRONG))) console.log(`  wrong x${n}: ${k}`);
if (process.env.SHOW_CEDICT) for (const [k, n] of top(cedictGroups, Number(process.env.SHOW_CEDICT))) console.log(`  cedict differs x${n}: ${k}`);
if (process.env.SHOW_DISAGREE) for (const [k, n] of top(disagreeGroups, Number(process.env.SHOW_DISAGREE))) console.log(`  disagree x${n}: ${k}`);

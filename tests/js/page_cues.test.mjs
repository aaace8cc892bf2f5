// The listening page's script (src/publish/page/page.js, embedded byte for byte in every
// STEM.html) run under node's own test runner against a small stand-in for the DOM:
// which cue and chapter are current at a given time, what clicking and a #t<turn>-<seq>
// link do.  The rule under test (page.h, page.c): the current cue is the one with
// start <= t < end; in a pause between cues the last cue started stays current unless
// a chapter has started since it; before the first cue none is.  The real browser is
// tests/browser/page.test.mjs; this one needs nothing but node.
//   node --test tests/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const here = fileURLToPath(new URL('.', import.meta.url));
const PAGE_JS = readFileSync(process.env.PAGE_JS || `${here}../../src/publish/page/page.js`, 'utf8');

// ---- a stand-in for the few DOM features the script uses ----

class Element {
  constructor(doc, tag, { classes = [], data = {}, id = '', parent = null, text = '' } = {}) {
    Object.assign(this, { ownerDocument: doc, tagName: tag.toUpperCase(), id, parentElement: parent });
    this.dataset = { ...data };
    this.attributes = {};
    this.textContent = text;
    this.children = [];
    this.listeners = {};
    this.scrolledIntoView = 0;
    const set = new Set(classes);
    this.classList = {
      add: (c) => set.add(c), remove: (c) => set.delete(c), contains: (c) => set.has(c), values: () => [...set],
    };
    if (parent) parent.children.push(this);
    doc.all.push(this);
  }
  matches(selector) {
    return selector.split(',').some((one) => {
      const m = one.trim().match(/^([a-z]+)?((?:\.[\w-]+)*)(?:\[([\w-]+)\])?$/);
      if (!m) throw new Error(`selector not supported here: ${one}`);
      const [, tag, classes, attr] = m;
      if (tag && tag.toUpperCase() !== this.tagName) return false;
      if (classes && !classes.split('.').slice(1).every((c) => this.classList.contains(c))) return false;
      if (attr && !(attr.replace(/^data-/, '').replace(/-(\w)/g, (_, c) => c.toUpperCase()) in this.dataset)) return false;
      return true;
    });
  }
  closest(selector) {
    for (let e = this; e; e = e.parentElement) if (e.matches(selector)) return e;
    return null;
  }
  querySelector(selector) { return this.ownerDocument.all.find((e) => isInside(e, this) && e.matches(selector)) || null; }
  setAttribute(k, v) { this.attributes[k] = String(v); }
  removeAttribute(k) { delete this.attributes[k]; }
  getAttribute(k) { return k in this.attributes ? this.attributes[k] : null; }
  addEventListener(type, fn) { (this.listeners[type] ||= []).push(fn); }
  dispatch(type, event = {}) { for (const fn of this.listeners[type] || []) fn({ type, target: this, ...event }); }
  getBoundingClientRect() { return { top: 0, bottom: 10 }; }
  scrollIntoView() { this.scrolledIntoView++; }
  get hash() { return this.attributes.href || ''; }
}

function isInside(e, ancestor) {
  for (let p = e.parentElement; p; p = p.parentElement) if (p === ancestor) return true;
  return false;
}

// A page with chapters [{start, title, cues: [[start, end], ...]}], as page.c writes it.
function makePage(chapters, hash = '') {
  const doc = { all: [], listeners: {} };
  const body = new Element(doc, 'body');
  const audio = new Element(doc, 'audio', { id: 'player', parent: body });
  Object.assign(audio, { currentTime: 0, duration: 1e9, paused: true, ended: false, play() { this.paused = false; }, pause() { this.paused = true; } });
  const bar = new Element(doc, 'div', { id: 'bar', parent: body });
  bar.offsetHeight = 60;
  bar.getBoundingClientRect = () => ({ top: 0, bottom: 60 });
  new Element(doc, 'p', { id: 'now', parent: body });
  const nav = new Element(doc, 'nav', { parent: body });
  chapters.forEach((ch, k) => {
    const a = new Element(doc, 'a', { classes: ['chapter'], data: { start: ch.start.toFixed(3) }, parent: nav });
    a.setAttribute('href', `#s${k}`);
    new Element(doc, 'span', { classes: ['title'], parent: a, text: ch.title || `chapter ${k}` });
  });
  const cues = [];
  chapters.forEach((ch, k) => {
    const section = new Element(doc, 'section', { id: `s${k}`, data: { chapter: String(k) }, parent: body });
    ch.cues.forEach(([start, end], i) => {
      cues.push(new Element(doc, 'a', { classes: ['cue'], id: `t${k}-${i + 1}`, parent: section,
                                         data: { start: start.toFixed(3), end: end.toFixed(3) } }));
    });
  });
  const document = {
    documentElement: { style: { setProperty() {} } },
    getElementById: (id) => doc.all.find((e) => e.id === id) || null,
    querySelectorAll: (sel) => doc.all.filter((e) => e.matches(sel)),
    addEventListener: (type, fn) => (doc.listeners[type] ||= []).push(fn),
  };
  const window = {
    innerHeight: 800,
    matchMedia: () => ({ matches: false }),
    requestAnimationFrame: () => 0,
    addEventListener() {},
  };
  vm.runInNewContext(PAGE_JS, { document, window, location: { hash }, Date, Math, isFinite, parseFloat, parseInt, decodeURIComponent, Array });
  const current = () => cues.filter((c) => c.classList.contains('current'));
  return {
    audio, cues, doc, body,
    at(t) { audio.currentTime = t; audio.dispatch('timeupdate'); return this.currentCue(); },
    currentCue() {
      const cur = current();
      assert.ok(cur.length <= 1, `one current cue at most, got ${cur.map((c) => c.id)}`);
      for (const c of cues) assert.equal(c.getAttribute('aria-current'), c.classList.contains('current') ? 'true' : null);
      return cur.length ? cur[0].id : null;
    },
    currentChapter() {
      const act = doc.all.filter((e) => e.matches('a.chapter') && e.classList.contains('active'));
      assert.ok(act.length <= 1);
      return act.length ? act[0].getAttribute('href') : null;
    },
    // Sends a document event; true when the script took it (preventDefault).
    send(type, event) {
      let prevented = false;
      for (const fn of doc.listeners[type] || []) fn({ preventDefault() { prevented = true; }, ...event });
      return prevented;
    },
    key(key, target = body, extra = {}) { return this.send('keydown', { target, key, ...extra }); },
    click(el, extra = {}) { return this.send('click', { target: el, button: 0, ...extra }); },
  };
}

const TWO_CHAPTERS = [
  { start: 0, title: '开场', cues: [[0.5, 1.0], [1.2, 2.0]] },
  { start: 2.5, title: 'Gemini 训练', cues: [[3.0, 4.0], [4.0, 4.5]] },
];

// ---- the rule ----

// [currentTime, the cue that must be current (null: none)], in order.
function expectCues(rows, chapters = TWO_CHAPTERS) {
  const p = makePage(chapters);
  for (const [t, want, why] of rows) assert.equal(p.at(t), want, `at ${t}${why ? `: ${why}` : ''}`);
  return p;
}

test('no cue is current before the first cue starts', () => {
  expectCues([[0, null], [0.49, null]]);
});

test('the cue with start <= t < end is current', () => {
  expectCues([[0.5, 't0-1'], [0.999, 't0-1'], [1.5, 't0-2'], [3.2, 't1-1'],
              [4.0, 't1-2', 'a cue ending where the next starts hands over at that instant']]);
});

test('times are whole milliseconds: a player a hair before a start is at that start', () => {
  expectCues([[0.4996, 't0-1'], [0.4994, null]]);
});

test('in a pause the last cue started stays current', () => {
  expectCues([[1.1, 't0-1'], [2.3, 't0-2'], [100, 't1-2', 'after the last cue']]);
});

test('once a chapter has started, no earlier cue is current until its first cue', () => {
  const p = expectCues([[1.5, 't0-2'], [2.6, null]]);
  assert.equal(p.currentChapter(), '#s1');
  assert.equal(p.at(3.0), 't1-1');
});

test('the current chapter is marked and named in the bar', () => {
  const p = makePage(TWO_CHAPTERS);
  p.at(0.7);
  assert.equal(p.currentChapter(), '#s0');
  p.at(2.5);
  assert.equal(p.currentChapter(), '#s1');
  assert.equal(p.doc.all.find((e) => e.id === 'now').textContent, 'Gemini 训练');
});

test('going back in time moves the highlight back (one current cue, aria-current with it)', () => {
  expectCues([[3.5, 't1-1'], [0.6, 't0-1'], [4.2, 't1-2'], [0.1, null], [1.3, 't0-2']]);
});

test('the binary search agrees with a linear reading of the rule on a long programme', () => {
  // 40 chapters of 1..30 cues with gaps, some cues back to back, random but fixed.
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const chapters = [];
  let t = 0.2;
  for (let k = 0; k < 40; k++) {
    const ch = { start: Math.round(t * 1000) / 1000, cues: [] };
    t += 0.3 + rand();
    for (let n = 1 + Math.floor(rand() * 30); n > 0; n--) {
      const s = Math.round(t * 1000) / 1000, e = Math.round((t + 0.2 + rand() * 3) * 1000) / 1000;
      ch.cues.push([s, e]);
      t = rand() < 0.3 ? e : e + rand() * 0.8;
    }
    chapters.push(ch);
    t += 0.5 + rand();
  }
  const flat = chapters.flatMap((ch, k) => ch.cues.map(([s, e], i) => ({ s, e, k, id: `t${k}-${i + 1}` })));
  const reference = (x) => {
    let last = null;
    for (const c of flat) if (c.s <= x) last = c;
    if (!last || x < last.e) return last && last.id;
    const chapter = chapters.reduce((acc, ch, k) => (ch.start <= x ? k : acc), -1);
    return chapter === last.k ? last.id : null;
  };
  const p = makePage(chapters);
  const end = flat[flat.length - 1].e + 2;
  let checked = 0;
  for (let x = 0; x < end; x += 0.0371, checked++) assert.equal(p.at(x), reference(x + 0.0005), `at ${x.toFixed(4)}`);
  for (const c of flat) assert.equal(p.at(c.s), c.id, `at the start of ${c.id}`);
  assert.ok(checked > 1000 && flat.length > 200, `${checked} times over ${flat.length} cues`);
});

// ---- clicks and links ----

test('clicking a cue seeks to its start and makes it current', () => {
  const p = makePage(TWO_CHAPTERS);
  assert.equal(p.click(p.cues[2]), true, 'the link is not followed');
  assert.equal(p.audio.currentTime, 3);
  assert.equal(p.currentCue(), 't1-1');
});

test('a click with a modifier key or another button is left to the browser', () => {
  const p = makePage(TWO_CHAPTERS);
  assert.equal(p.click(p.cues[2], { ctrlKey: true }), false);
  assert.equal(p.click(p.cues[2], { button: 1 }), false);
  assert.equal(p.audio.currentTime, 0);
});

test('STEM.html#t<turn>-<seq> opens the page at that cue', () => {
  const p = makePage(TWO_CHAPTERS, '#t1-2');
  assert.equal(p.audio.currentTime, 4);
  assert.equal(p.currentCue(), 't1-2');
  const q = makePage(TWO_CHAPTERS, '#nosuch');
  assert.equal(q.audio.currentTime, 0);
  assert.equal(q.currentCue(), null);
});

// ---- keys ----

test('Left and Right seek 5 s (not before 0), Space plays and pauses', () => {
  const p = makePage(TWO_CHAPTERS);
  assert.equal(p.key('ArrowRight'), true);
  assert.equal(p.audio.currentTime, 5);
  assert.equal(p.currentCue(), 't1-2');
  p.key('ArrowLeft');
  p.key('ArrowLeft');
  assert.equal(p.audio.currentTime, 0);
  assert.equal(p.audio.paused, true);
  p.key(' ');
  assert.equal(p.audio.paused, false);
  p.key(' ');
  assert.equal(p.audio.paused, true);
});

test('keys typed into a form field or the player, or with a modifier, are not taken', () => {
  const p = makePage(TWO_CHAPTERS);
  const input = new Element(p.doc, 'input', { parent: p.body });
  assert.equal(p.key('ArrowRight', input), false);
  assert.equal(p.key('ArrowRight', p.audio), false);
  assert.equal(p.key('ArrowRight', p.body, { ctrlKey: true }), false);
  assert.equal(p.audio.currentTime, 0);
});

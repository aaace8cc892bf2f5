// Browser test of the listening page written by `recast render --html`.
//
//   node tests/browser/page.test.mjs DIR
//
// DIR holds one rendered programme (STEM.opus, STEM.html, STEM.vtt, STEM.manifest.json,
// clips/).  The page is served from DIR by a small static server on 127.0.0.1 (random
// port, HTTP ranges, .opus as audio/ogg) and opened in Debian's Chromium through
// playwright-core; it is opened once more from file://.  Prints one line per check,
// "PASS page: what" or "FAIL page: what: why", and exits 1 if any check failed.
// Screenshots go to $BUILD/page-screenshot.png (1280x900) and page-screenshot-phone.png
// (390x844), BUILD defaulting to "build".  Nothing here sleeps to synchronise: every wait
// is on an event or a condition, with a timeout.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const TOL = 0.05; // seconds
const WAIT = 15000; // ms, for any one condition
const CHROMIUM = process.env.RECAST_CHROMIUM || '/usr/bin/chromium';

let failures = 0;
const pass = (what) => console.log(`PASS page: ${what}`);
const fail = (what, why) => {
  failures++;
  console.log(`FAIL page: ${what}: ${String(why).replace(/\s+/g, ' ').slice(0, 400)}`);
};
// check(what, fn): runs one check; fn returns nothing (pass), or throws / returns a string (fail)
async function check(what, fn) {
  try {
    const why = await fn();
    if (why) fail(what, why);
    else pass(what);
  } catch (e) {
    fail(what, e && e.message ? e.message.split('\n')[0] : e);
  }
}
const near = (a, b, tol = TOL) => Number.isFinite(a) && Math.abs(a - b) <= tol;

// ---- the render output ----

const dir = process.argv[2];
if (!dir || !fs.existsSync(dir)) {
  fail('setup', `usage: node page.test.mjs DIR (a recast render --html output directory); got ${dir}`);
  process.exit(1);
}
const manifestName = fs.readdirSync(dir).find((f) => f.endsWith('.manifest.json'));
if (!manifestName) {
  fail('setup', `no *.manifest.json in ${dir}`);
  process.exit(1);
}
const stem = manifestName.slice(0, -'.manifest.json'.length);
const manifest = JSON.parse(fs.readFileSync(path.join(dir, manifestName), 'utf8'));
const pageName = manifest.files && manifest.files.page ? manifest.files.page : `${stem}.html`;

// Cues of a WebVTT file as recast writes it: [{id, start, end, speaker, text}] (seconds).
function parseVtt(text) {
  const cues = [];
  const time = (s) => {
    const m = /^(\d+):(\d\d):(\d\d)\.(\d\d\d)$/.exec(s);
    if (!m) throw new Error(`bad VTT time ${s}`);
    return +m[1] * 3600 + +m[2] * 60 + +m[3] + +m[4] / 1000;
  };
  const unescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  // the lines of a cue read as one: a space between them only where neither side is CJK
  const wide = (ch) => ch !== undefined && ch.codePointAt(0) >= 0x2e80;
  const joinLines = (s) => s.split('\n').reduce((acc, l) =>
    acc === null ? l : acc + (!wide([...acc].pop()) && !wide([...l][0]) ? ' ' : '') + l, null);
  for (const block of text.replace(/\r/g, '').split(/\n{2,}/)) {
    const lines = block.split('\n').filter((l) => l !== '');
    const at = lines.findIndex((l) => l.includes('-->'));
    if (at < 0 || lines[0].startsWith('NOTE')) continue;
    const [a, b] = lines[at].split(/\s+-->\s+/);
    const body = lines.slice(at + 1).join('\n');
    const v = /^<v ([^>]*)>/.exec(body);
    cues.push({
      id: at > 0 ? lines[at - 1] : null,
      start: time(a),
      end: time(b.split(/\s/)[0]),
      speaker: v ? v[1] : null,
      text: unescape(joinLines(body.replace(/<[^>]*>/g, ''))),
    });
  }
  return cues;
}
const vtt = parseVtt(fs.readFileSync(path.join(dir, `${stem}.vtt`), 'utf8'));
const duration = manifest.duration_ms / 1000;
const sections = manifest.sections.map((s) => ({ title: s.title, start: s.start_ms / 1000, end: s.end_ms / 1000 }));

// ---- a static server on 127.0.0.1 ----

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.opus': 'audio/ogg',
  '.ogg': 'audio/ogg',
  '.vtt': 'text/vtt; charset=utf-8',
  '.srt': 'text/plain; charset=utf-8',
  '.json': 'application/json',
};
function serve(req, res) {
  const finish = (status, headers, body) => {
    res.writeHead(status, headers);
    res.end(body);
  };
  let rel;
  try {
    rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  } catch {
    return finish(400, {}, 'bad url');
  }
  const file = path.resolve(dir, `.${rel}`);
  if (!file.startsWith(path.resolve(dir) + path.sep)) return finish(403, {}, 'outside');
  let st;
  try {
    st = fs.statSync(file);
  } catch {
    return finish(404, {}, 'not found');
  }
  if (!st.isFile()) return finish(404, {}, 'not a file');
  const headers = {
    'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream',
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'no-store',
  };
  const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range || '');
  let start = 0;
  let end = st.size - 1;
  let status = 200;
  if (range && (range[1] || range[2])) {
    if (range[1]) {
      start = +range[1];
      if (range[2]) end = Math.min(+range[2], end);
    } else {
      start = Math.max(0, st.size - +range[2]);
    }
    if (start > end) {
      return finish(416, { 'Content-Range': `bytes */${st.size}` }, '');
    }
    status = 206;
    headers['Content-Range'] = `bytes ${start}-${end}/${st.size}`;
  }
  headers['Content-Length'] = String(end - start + 1);
  res.writeHead(status, headers);
  if (req.method === 'HEAD') return res.end();
  fs.createReadStream(file, { start, end }).pipe(res);
}

// ---- one page under test ----

const isLocal = (u, origin) =>
  ['file:', 'data:', 'blob:', 'about:'].includes(u.protocol) || (!!origin && u.origin === origin);

// Opens url in a new tab of ctx, recording console errors, page errors, failed
// requests and any request that leaves 127.0.0.1 / file: / data:.
async function openPage(ctx, url, origin) {
  const page = await ctx.newPage();
  const problems = [];
  // a safety net: whatever the page asks for outside is refused before it leaves the machine
  await page.route((u) => !isLocal(u, origin), (route) => route.abort('blockedbyclient'));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (!isLocal(new URL(r.url()), origin)) problems.push(`network request outside the page's origin: ${r.url()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`);
  });
  page.on('requestfailed', (r) => {
    // a media element cancels its range requests when it seeks; that is not a failure
    const err = r.failure() ? r.failure().errorText : '';
    if (!(r.resourceType() === 'media' && err === 'net::ERR_ABORTED')) problems.push(`request failed: ${r.url()} ${err}`);
  });
  await page.goto(url, { waitUntil: 'load', timeout: WAIT });
  return { page, problems };
}

const waitMetadata = (page) =>
  page.waitForFunction(() => {
    const a = document.getElementById('player');
    return a && a.readyState >= 1 && Number.isFinite(a.duration) && a.duration > 0;
  }, null, { timeout: WAIT });

// Sets currentTime and waits until the seek has completed.
const seekTo = (page, t) =>
  page.evaluate(
    ([t, wait]) =>
      new Promise((resolve, reject) => {
        const a = document.getElementById('player');
        const timer = setTimeout(() => reject(new Error(`no seeked event within ${wait} ms`)), wait);
        a.addEventListener('seeked', () => {
          clearTimeout(timer);
          resolve(a.currentTime);
        }, { once: true });
        a.currentTime = t;
      }),
    [t, WAIT],
  );

const currentCue = (page) =>
  page.evaluate(() => {
    const all = [...document.querySelectorAll('.cue.current')];
    const el = all[0];
    if (!el) return { n: 0 };
    const r = el.getBoundingClientRect();
    return {
      n: all.length,
      id: el.id,
      aria: el.getAttribute('aria-current'),
      text: el.textContent,
      inView: r.top >= 0 && r.bottom <= window.innerHeight,
    };
  });

// Waits until the cue with this VTT id is the highlighted one.
const waitCurrent = (page, id) =>
  page.waitForFunction((id) => {
    const c = document.querySelectorAll('.cue.current');
    return c.length === 1 && c[0].id === id;
  }, id, { timeout: WAIT });

const paused = (page) => page.evaluate(() => document.getElementById('player').paused);
const now = (page) => page.evaluate(() => document.getElementById('player').currentTime);

// ---- the checks ----

async function httpChecks(ctx, origin) {
  const { page, problems } = await openPage(ctx, `${origin}/${encodeURIComponent(pageName)}`, origin);

  await check('lang="zh", charset utf-8, viewport meta and a title', async () => {
    const h = await page.evaluate(() => ({
      lang: document.documentElement.lang,
      charset: document.characterSet,
      viewport: !!document.querySelector('meta[name=viewport][content*="width=device-width"]'),
      title: document.title,
      audio: document.getElementById('player') && document.getElementById('player').tagName,
    }));
    if (h.lang !== 'zh') return `lang is "${h.lang}"`;
    if (h.charset !== 'UTF-8') return `charset is ${h.charset}`;
    if (!h.viewport) return 'no viewport meta';
    if (h.title !== manifest.title) return `title "${h.title}", manifest "${manifest.title}"`;
    if (h.audio !== 'AUDIO') return 'no <audio id="player">';
  });

  await check('no network assets in the markup (src/href to http:, https: or //)', async () => {
    const bad = await page.evaluate(() =>
      [...document.querySelectorAll('[src], [href]')]
        .map((e) => e.getAttribute('src') || e.getAttribute('href'))
        .filter((u) => /^\s*(https?:|\/\/)/i.test(u)),
    );
    if (bad.length) return bad.join(' ');
    const html = fs.readFileSync(path.join(dir, pageName), 'utf8');
    if (/@import|url\(\s*['"]?(https?:|\/\/)/i.test(html)) return 'a CSS import or remote url()';
  });

  await check('audio duration equals the manifest duration_ms/1000', async () => {
    await waitMetadata(page);
    const d = await page.evaluate(() => document.getElementById('player').duration);
    if (!near(d, duration)) return `audio ${d} s, manifest ${duration} s`;
  });

  await check('the page has exactly the cues of the .vtt (ids, times, text)', async () => {
    const got = await page.evaluate(() =>
      [...document.querySelectorAll('.cue')].map((c) => ({
        id: c.id,
        start: c.dataset.start,
        end: c.dataset.end,
        text: c.textContent,
        speaker: c.closest('.turn').querySelector('.who').textContent,
      })),
    );
    if (got.length !== vtt.length) return `${got.length} cues on the page, ${vtt.length} in the .vtt`;
    for (let i = 0; i < vtt.length; i++) {
      const g = got[i];
      const w = vtt[i];
      if (g.id !== w.id || g.start !== w.start.toFixed(3) || g.end !== w.end.toFixed(3) || g.text !== w.text ||
        g.speaker !== w.speaker) {
        return `cue ${i}: page ${JSON.stringify(g)}, vtt ${JSON.stringify(w)}`;
      }
    }
  });

  await check('chapters: one per section, data-start = sections[k].start_ms', async () => {
    const got = await page.evaluate(() =>
      [...document.querySelectorAll('a.chapter')].map((c) => ({
        start: c.dataset.start,
        title: c.querySelector('.title').textContent,
      })),
    );
    if (got.length !== sections.length) return `${got.length} chapters, ${sections.length} sections`;
    for (let k = 0; k < sections.length; k++) {
      if (got[k].start !== sections[k].start.toFixed(3)) return `chapter ${k} starts ${got[k].start}`;
      if (sections[k].title && got[k].title !== sections[k].title) return `chapter ${k} is "${got[k].title}"`;
    }
  });

  await check('clicking chapter k seeks to sections[k].start_ms', async () => {
    for (let k = sections.length - 1; k >= 0; k--) {
      await page.locator('a.chapter').nth(k).click();
      const t = await now(page);
      if (!near(t, sections[k].start)) return `chapter ${k}: currentTime ${t}, expected ${sections[k].start}`;
      const active = await page.evaluate(() => {
        const a = document.querySelectorAll('a.chapter.active');
        return a.length === 1 ? [...document.querySelectorAll('a.chapter')].indexOf(a[0]) : -a.length;
      });
      if (active !== k) return `chapter ${k} clicked, chapter ${active} marked active`;
    }
  });

  // three cues: the second, one in the middle, and one in the last section
  const lastSection = sections[sections.length - 1];
  const inLast = vtt.filter((c) => c.start >= lastSection.start);
  const picks = [vtt[Math.min(1, vtt.length - 1)], vtt[Math.floor(vtt.length / 2)], inLast[inLast.length - 1]];
  await check('a cue in the last section exists for the highlight test', () =>
    inLast.length ? '' : `no cue after ${lastSection.start} s`);
  for (const cue of picks.filter(Boolean)) {
    await check(`currentTime at the middle of cue ${cue.id} highlights exactly that cue`, async () => {
      await seekTo(page, (cue.start + cue.end) / 2);
      await waitCurrent(page, cue.id);
      const c = await currentCue(page);
      if (c.aria !== 'true') return `aria-current is ${c.aria}`;
      if (c.text !== cue.text) return `text "${c.text}", vtt "${cue.text}"`;
      if (!c.inView) {
        await page.waitForFunction(() => {
          const r = document.querySelector('.cue.current').getBoundingClientRect();
          return r.top >= 0 && r.bottom <= window.innerHeight;
        }, null, { timeout: WAIT });
      }
    });
  }

  await check('in a pause between cues of a section the last cue stays highlighted', async () => {
    const i = vtt.findIndex((c, j) => j + 1 < vtt.length && vtt[j + 1].start - c.end > 0.1 &&
      !sections.some((s) => s.start > c.end && s.start <= vtt[j + 1].start));
    if (i < 0) return 'no pause inside a section in this fixture';
    await seekTo(page, (vtt[i].end + vtt[i + 1].start) / 2);
    await waitCurrent(page, vtt[i].id);
  });

  await check('before the first cue nothing is highlighted', async () => {
    if (!(vtt[0].start > 0.01)) return 'the first cue starts at 0';
    await seekTo(page, vtt[0].start / 2);
    await page.waitForFunction(() => document.querySelectorAll('.cue.current, [aria-current].cue').length === 0,
      null, { timeout: WAIT });
  });

  await check('clicking a cue seeks to its start and highlights it', async () => {
    const cue = inLast[0] || vtt[vtt.length - 1];
    await page.locator(`[id="${cue.id}"]`).click();
    const t = await now(page);
    if (!near(t, cue.start)) return `currentTime ${t}, cue starts ${cue.start}`;
    await waitCurrent(page, cue.id);
  });

  await check('keyboard: Space plays and pauses (focus on the page, not a control)', async () => {
    await seekTo(page, 1);
    await page.evaluate(() => document.activeElement && document.activeElement.blur());
    if (!(await paused(page))) return 'playing before the test';
    await page.keyboard.press('Space');
    await page.waitForFunction(() => !document.getElementById('player').paused, null, { timeout: WAIT });
    await page.keyboard.press('Space');
    await page.waitForFunction(() => document.getElementById('player').paused, null, { timeout: WAIT });
  });

  await check('keyboard: Space on a focused cue toggles too; Tab reaches the cues', async () => {
    await page.locator('a.cue').first().focus();
    const focused = await page.evaluate(() => document.activeElement.classList.contains('cue'));
    if (!focused) return 'a cue cannot take focus';
    await page.keyboard.press('Space');
    await page.waitForFunction(() => !document.getElementById('player').paused, null, { timeout: WAIT });
    await page.keyboard.press('Space');
    await page.waitForFunction(() => document.getElementById('player').paused, null, { timeout: WAIT });
  });

  await check('keyboard: ArrowRight seeks +5 s, ArrowLeft -5 s', async () => {
    const t0 = Math.min(2, Math.max(0, duration - 6));
    await seekTo(page, t0);
    await page.evaluate(() => document.activeElement && document.activeElement.blur());
    await page.keyboard.press('ArrowRight');
    const t1 = await now(page);
    if (!near(t1, t0 + 5, 0.1)) return `from ${t0} to ${t1} after ArrowRight`;
    await page.keyboard.press('ArrowLeft');
    const t2 = await now(page);
    if (!near(t2, t0, 0.1)) return `back to ${t2} after ArrowLeft, expected ${t0}`;
  });

  await check('keyboard: chapters and cues are focusable links with a visible focus outline', async () => {
    await page.locator('a.chapter').first().focus();
    await page.keyboard.press('Tab'); // focus-visible comes from keyboard navigation
    await page.keyboard.press('Shift+Tab');
    const o = await page.evaluate(() => {
      const el = document.activeElement;
      const s = getComputedStyle(el);
      return { chapter: el.classList.contains('chapter'), style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
    });
    if (!o.chapter) return 'focus is not on the chapter';
    if (o.style === 'none' || !(o.width >= 2)) return `outline ${o.style} ${o.width}px`;
    await page.keyboard.press('Enter'); // activates the link: seeks to chapter 0
    const t = await now(page);
    if (!near(t, sections[0].start)) return `Enter on chapter 0: currentTime ${t}`;
  });

  await check('speakers: a name label and a distinct colour for each', async () => {
    const s = await page.evaluate(() => {
      const by = {};
      for (const t of document.querySelectorAll('.turn')) {
        const who = t.querySelector('.who');
        by[who.textContent] = getComputedStyle(who).color;
      }
      return by;
    });
    const names = Object.keys(s);
    const colours = new Set(Object.values(s));
    const want = new Set(vtt.map((c) => c.speaker));
    if (names.length !== want.size) return `labels ${names}, vtt speakers ${[...want]}`;
    if (colours.size !== names.length) return `colours ${JSON.stringify(s)}`;
  });

  await check('transcript markup is shown as text, not interpreted', async () => {
    const raw = vtt.find((c) => /[<&]/.test(c.text));
    if (!raw) return 'the fixture has no cue with < or &';
    const r = await page.evaluate((id) => {
      const el = document.getElementById(id);
      return { text: el.textContent, elements: el.children.length };
    }, raw.id);
    if (r.text !== raw.text || r.elements) return `cue ${raw.id}: "${r.text}" with ${r.elements} child elements`;
  });

  await check('links to the section clips resolve (HTTP 200, audio/ogg)', async () => {
    const clips = await page.evaluate(() => [...document.querySelectorAll('a.clip')].map((a) => a.href));
    const files = fs.existsSync(path.join(dir, 'clips'))
      ? fs.readdirSync(path.join(dir, 'clips')).filter((f) => f.endsWith('.opus'))
      : [];
    if (!clips.length || clips.length !== files.length) return `${clips.length} clip links, ${files.length} clip files`;
    for (const href of clips) {
      const r = await page.request.get(href);
      if (r.status() !== 200 || r.headers()['content-type'] !== 'audio/ogg') return `${href}: ${r.status()}`;
    }
  });

  await check('every other link resolves (HTTP 200)', async () => {
    const links = await page.evaluate(() =>
      [...document.querySelectorAll('a[href]')]
        .filter((a) => !a.getAttribute('href').startsWith('#'))
        .map((a) => a.href),
    );
    for (const href of new Set(links)) {
      const r = await page.request.get(href);
      if (r.status() !== 200) return `${href}: ${r.status()}`;
    }
  });

  await check('screenshots', async () => {
    const build = process.env.BUILD || 'build';
    fs.mkdirSync(build, { recursive: true });
    const mid = vtt[Math.floor(vtt.length / 2)];
    await seekTo(page, (mid.start + mid.end) / 2);
    await waitCurrent(page, mid.id);
    await page.evaluate(() => document.activeElement && document.activeElement.blur());
    await page.mouse.move(0, 0); // no hover highlight in the picture
    await page.screenshot({ path: path.join(build, 'page-screenshot.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(build, 'page-screenshot-phone.png') });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  await check('loads and runs over HTTP without console errors or outside requests', () => problems.join('; '));
  await page.close();
}

async function fileChecks(ctx) {
  const { page, problems } = await openPage(ctx, pathToFileURL(path.resolve(dir, pageName)).href, null);
  await check('file://: the audio loads, a chapter click seeks, a cue is highlighted', async () => {
    await waitMetadata(page);
    const d = await page.evaluate(() => document.getElementById('player').duration);
    if (!near(d, duration)) return `audio ${d} s, manifest ${duration} s`;
    const k = sections.length - 1;
    await page.locator('a.chapter').nth(k).click();
    const t = await now(page);
    if (!near(t, sections[k].start)) return `chapter ${k}: currentTime ${t}`;
    const cue = vtt[vtt.length - 1];
    await seekTo(page, (cue.start + cue.end) / 2);
    await waitCurrent(page, cue.id);
  });
  await check('file://: no console errors, no outside requests', () => problems.join('; '));
  await page.close();

  const cue = vtt[Math.floor(vtt.length / 2)];
  const linked = await openPage(ctx, `${pathToFileURL(path.resolve(dir, pageName)).href}#${cue.id}`, null);
  await check(`file://: ${pageName}#${cue.id} opens at that cue`, async () => {
    await waitMetadata(linked.page);
    await waitCurrent(linked.page, cue.id);
    const t = await now(linked.page);
    if (!near(t, cue.start)) return `currentTime ${t}, cue starts ${cue.start}`;
    return linked.problems.join('; ');
  });
  await linked.page.close();
}

async function main() {
  const server = http.createServer(serve);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'recast-chromium-'));
  let ctx;
  try {
    // launchPersistentContext passes --user-data-dir=profile (a fresh directory)
    ctx = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--autoplay-policy=no-user-gesture-required',
      ],
      viewport: { width: 1280, height: 900 },
      reducedMotion: 'reduce',
      locale: 'zh-CN',
      timeout: WAIT * 2,
    });
    await httpChecks(ctx, origin);
    await fileChecks(ctx);
  } catch (e) {
    fail('browser', e && e.message ? e.message.split('\n')[0] : e);
  } finally {
    if (ctx) await ctx.close().catch(() => {});
    server.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

const watchdog = setTimeout(() => {
  fail('timeout', 'the browser test took more than 180 s');
  process.exit(1);
}, 180000);
await main();
clearTimeout(watchdog);
process.exit(failures ? 1 : 0);

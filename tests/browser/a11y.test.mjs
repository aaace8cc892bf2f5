// Accessibility of the listening page (issue 14), in Debian's chromium:
//   - axe-core (WCAG 2.0/2.1/2.2 A and AA rules and best practices, target size included):
//     no violation;
//   - Lighthouse's accessibility category: score 100 (every failed audit is named);
//   - the player sits in a landmark; the whole transcript is one Tab stop, and the arrow
//     keys move through its cues; the meta description and sharing tags are there.
// usage: node tests/browser/a11y.test.mjs DIR   (DIR holds STEM.html and its files)
// Prints PASS/FAIL lines like every recast test.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import lighthouse from 'lighthouse';

const require = createRequire(import.meta.url);
const dir = process.argv[2];
const html = fs.readdirSync(dir).find((f) => f.endsWith('.html'));
let failures = 0;
const pass = (name) => console.log(`PASS a11y: ${name}`);
const fail = (name, why) => {
  failures++;
  console.log(`FAIL a11y: ${name}: ${why}`);
};
async function check(name, fn) {
  try {
    const why = await fn();
    if (why) fail(name, why);
    else pass(name);
  } catch (e) {
    fail(name, e && e.message ? e.message.split('\n')[0] : String(e));
  }
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.opus': 'audio/ogg', '.png': 'image/png', '.jpg': 'image/jpeg' };
const server = http.createServer((req, res) => {
  const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  const file = path.resolve(dir, `.${rel}`);
  if (!file.startsWith(path.resolve(dir) + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    res.writeHead(404);
    return res.end();
  }
  res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const url = `http://127.0.0.1:${server.address().port}/${encodeURI(html)}`;
const debugPort = 20000 + (process.pid % 20000);
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'recast-a11y-'));
let ctx;
const watchdog = setTimeout(() => {
  fail('timeout', 'the accessibility test took more than 240 s');
  process.exit(1);
}, 240000);
try {
  ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.RECAST_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--remote-debugging-port=${debugPort}`],
    viewport: { width: 1280, height: 900 },
    locale: 'zh-CN',
  });
  const page = await ctx.newPage();
  await page.goto(url, { waitUntil: 'load' });
  if (process.env.A11Y_SCREENSHOT) await page.screenshot({ path: process.env.A11Y_SCREENSHOT });

  await check('the player is inside a landmark', () => page.evaluate(() => {
    const a = document.getElementById('player');
    const l = a && a.closest('[role=region][aria-label],[role=region][aria-labelledby],main,header,footer,nav,aside');
    return l ? '' : 'no landmark around #player';
  }));
  await check('the transcript is one Tab stop (roving tabindex)', () => page.evaluate(() => {
    const cues = [...document.querySelectorAll('a.cue')];
    const stops = cues.filter((c) => c.tabIndex >= 0);
    return cues.length > 3 && stops.length === 1 ? '' : `${stops.length} of ${cues.length} cues are Tab stops`;
  }));
  await check('Tab from the page top reaches the end in few stops', async () => {
    await page.evaluate(() => document.activeElement && document.activeElement.blur());
    /* press Tab until the focus wraps back to where it first went (the audio element's
       own controls count once) */
    let n = 0, first = null, last = null;
    for (let k = 0; k < 400; k++) {
      await page.keyboard.press('Tab');
      const id = await page.evaluate(() => {
        const e = document.activeElement;
        return e ? `${e.tagName}#${e.id}.${e.className}.${e.getAttribute('href') || ''}` : '';
      });
      if (id === first || id.startsWith('BODY')) break;
      if (first === null) first = id;
      if (id !== last) n++;
      last = id;
    }
    /* every focusable thing but the cues, plus one stop for the whole transcript */
    const others = await page.evaluate(() => [...document.querySelectorAll(
      'a[href], button, audio[controls], input, select, textarea, [tabindex]')]
      .filter((e) => !e.classList.contains('cue') && e.tabIndex >= 0 && e.offsetParent !== null).length);
    const cues = await page.$$eval('a.cue', (l) => l.length);
    console.log(`     ${n} Tab stops through the page (${others} controls and links, ${cues} cues)`);
    return n <= others + 1 ? '' : `${n} Tab stops: more than the ${others} controls and links plus one for the transcript`;
  });
  await check('ArrowDown and ArrowUp move through the cues, Enter seeks', async () => {
    await page.focus('a.cue[tabindex="0"]');
    const first = await page.evaluate(() => document.activeElement.id);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const third = await page.evaluate(() => document.activeElement.id);
    await page.keyboard.press('ArrowUp');
    const second = await page.evaluate(() => ({ id: document.activeElement.id, tab: document.activeElement.tabIndex }));
    const ids = await page.$$eval('a.cue', (l) => l.map((c) => c.id));
    const k = ids.indexOf(first);
    if (ids[k + 2] !== third || ids[k + 1] !== second.id) return `focus went ${first} -> ${third} -> ${second.id}`;
    if (second.tab !== 0) return 'the focused cue is not the Tab stop';
    await page.keyboard.press('Enter');
    await page.waitForTimeout(300);
    const t = await page.evaluate(() => document.getElementById('player').currentTime);
    const want = await page.$eval(`[id="${second.id}"]`, (c) => parseFloat(c.dataset.start));
    return Math.abs(t - want) < 0.05 ? '' : `Enter on ${second.id} seeked to ${t}, not ${want}`;
  });
  await check('meta description and sharing tags', () => page.evaluate(() => {
    const get = (sel) => document.querySelector(sel) && document.querySelector(sel).getAttribute('content');
    const missing = ['meta[name=description]', 'meta[property="og:title"]', 'meta[property="og:description"]',
      'meta[property="og:type"]', 'meta[name="twitter:card"]'].filter((s) => !get(s));
    return missing.length ? `missing ${missing.join(', ')}` : '';
  }));

  await check('axe-core: no violation (WCAG 2.2 A/AA, best practices)', async () => {
    await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
    const r = await page.evaluate(() => window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    }));
    console.log(`     axe-core ${r.testEngine.version}: ${r.passes.length} rules pass, ${r.violations.length} violated, ` +
      `${r.incomplete.length} need review`);
    return r.violations.map((v) => `${v.id} (${v.nodes.length}: ${v.nodes[0].target.join(' ')})`).join('; ');
  });

  await check('Lighthouse accessibility score 100', async () => {
    const r = await lighthouse(url, { port: debugPort, output: 'json', logLevel: 'error', onlyCategories: ['accessibility'] });
    const cat = r.lhr.categories.accessibility;
    const failed = cat.auditRefs.map((a) => r.lhr.audits[a.id])
      .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode !== 'notApplicable' &&
        a.scoreDisplayMode !== 'informative' && a.scoreDisplayMode !== 'manual');
    console.log(`     Lighthouse ${r.lhr.lighthouseVersion}: accessibility ${Math.round(cat.score * 100)}`);
    return cat.score === 1 ? '' : `score ${Math.round(cat.score * 100)}: ${failed.map((a) => a.id).join(', ')}`;
  });
} catch (e) {
  fail('browser', e && e.message ? e.message.split('\n')[0] : e);
} finally {
  if (ctx) await ctx.close().catch(() => {});
  server.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
clearTimeout(watchdog);
process.exit(failures ? 1 : 0);

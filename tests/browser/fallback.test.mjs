// The listening page's fallback source, in Chromium: with an M4A beside the Opus file the
// page lists both; Chromium takes the Opus; without the Opus source (a browser that cannot
// play Opus picks the next one the same way) it plays the M4A, whose duration matches the
// manifest within one AAC frame.
//   node tests/browser/fallback.test.mjs DIR     (DIR/pod.html, pod.opus, pod.m4a, pod.manifest.json)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const dir = process.argv[2];
const CHROMIUM = process.env.RECAST_CHROMIUM || '/usr/bin/chromium';
const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'pod.manifest.json'), 'utf8'));
const duration = manifest.duration_ms / 1000;
let failures = 0;
const report = (what, why) => {
  if (why) failures++;
  console.log(why ? `FAIL page fallback: ${what}: ${why}` : `PASS page fallback: ${what}`);
};
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'recast-chromium-'));
let ctx;
try {
  ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, timeout: 30000,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
  });
  const page = await ctx.newPage();
  await page.goto(pathToFileURL(path.join(dir, 'pod.html')).href, { waitUntil: 'load' });
  const ready = () => page.waitForFunction(() => {
    const a = document.getElementById('player');
    return a.readyState >= 1 && Number.isFinite(a.duration) && a.duration > 0;
  }, null, { timeout: 15000 });
  await ready();
  const first = await page.evaluate(() => {
    const a = document.getElementById('player');
    return { src: a.currentSrc, sources: [...a.querySelectorAll('source')].map((s) => [s.getAttribute('src'), s.type]),
             duration: a.duration, m4a: a.canPlayType('audio/mp4; codecs="mp4a.40.2"') };
  });
  report('two sources, Opus then M4A', JSON.stringify(first.sources) ===
         JSON.stringify([['pod.opus', 'audio/ogg; codecs=opus'], ['pod.m4a', 'audio/mp4']]) ? '' : JSON.stringify(first.sources));
  report('Chromium plays the Opus source', first.src.endsWith('/pod.opus') ? '' : first.src);
  if (!first.m4a) report('Chromium can play AAC in MP4 (canPlayType)', `"${first.m4a}"`);
  else {
    await page.evaluate(() => {
      const a = document.getElementById('player');
      a.querySelector('source[src="pod.opus"]').remove();
      a.load();
    });
    await ready();
    const second = await page.evaluate(() => ({ src: document.getElementById('player').currentSrc,
                                               duration: document.getElementById('player').duration }));
    report('without the Opus source it plays the M4A', second.src.endsWith('/pod.m4a') ? '' : second.src);
    report(`the M4A lasts ${second.duration.toFixed(3)} s, the manifest ${duration} s (within one AAC frame)`,
           Math.abs(second.duration - duration) <= 1024 / 48000 + 1e-3 ? '' : `${second.duration}`);
  }
} catch (e) {
  report('browser', e && e.message ? e.message.split('\n')[0] : String(e));
} finally {
  if (ctx) await ctx.close().catch(() => {});
  fs.rmSync(profile, { recursive: true, force: true });
}
process.exit(failures ? 1 : 0);

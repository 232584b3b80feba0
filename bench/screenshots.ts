/**
 * The README's screenshots of the results page, at desktop and phone width,
 * taken in Debian's Chromium from `fahras serve` on the benchmark index (1×:
 * the SaudiNewsNet corpus itself, so one wire story shows its other papers).
 *
 *   npm run build && npx tsx bench/build.ts --scale 1 --skip-baseline   # once: the 1× index
 *   npx tsx bench/screenshots.ts [--scale 1] [--q "هبوط أسعار النفط"]
 *
 * Writes docs/screenshot.png (desktop) and docs/screenshot-phone.png.
 */
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { REPO, arg, indexDir, scaleArg } from './common.js';
import { startServer } from './startup.js';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

if (import.meta.url === `file://${process.argv[1]}`) {
  const q = arg('q', 'هبوط أسعار النفط')!;
  const srv = await startServer(indexDir(scaleArg()));
  if (!srv.ok) throw new Error(`serve failed: ${srv.error}`);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    for (const [file, viewport, height] of [
      ['screenshot.png', { width: 1280, height: 900 }, 1500],
      ['screenshot-phone.png', { width: 390, height: 844 }, 1700],
    ] as const) {
      const ctx = await browser.newContext({ locale: 'ar', viewport, deviceScaleFactor: 1 });
      const page = await ctx.newPage();
      await page.goto(`http://127.0.0.1:${srv.port}/?q=${encodeURIComponent(q)}`);
      await page.evaluate(() => document.fonts.ready);
      // The status line's time changes from run to run: the shot shows the count alone.
      await page.evaluate(() => {
        const s = document.getElementById('status')!;
        s.textContent = s.textContent!.replace(/\s*\(.*\)$/, '');
      });
      await page.setViewportSize({ width: viewport.width, height });
      const out = join(REPO, 'docs', file);
      await page.screenshot({ path: out });
      console.log(`wrote ${out}`);
      await ctx.close();
    }
  } finally {
    await browser.close();
    await srv.stop();
  }
}

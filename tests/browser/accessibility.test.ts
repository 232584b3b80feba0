/**
 * Accessibility, measured: axe-core (every rule it runs by default: WCAG 2.x
 * A and AA, 2.2's target size, best practices) injected into the pages in real
 * headless Chromium, on 7,000 SaudiNewsNet articles: the home page, results
 * (with sources, dates, folded near-duplicates), a correction, an empty
 * result, the open suggestion list, error pages and a document — at desktop
 * and phone width. Any violation fails, named with the elements it was found on.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/serve.js';
import { buildNewsIndex, startTestServer, type TempIndex } from '../helpers/server.js';
import { launchChromium, typeInto } from './renderer.js';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const enc = encodeURIComponent;
let idx: TempIndex;
let srv: RunningServer;
let browser: Browser;

beforeAll(async () => {
  [idx, browser] = await Promise.all([buildNewsIndex(), launchChromium()]);
  srv = await startTestServer({ index: idx.index, watch: false, reloadPollMs: 0 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await srv?.close();
  idx?.cleanup();
});

interface Violation {
  id: string;
  impact: string;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's violations on the page as it is now (injected past the page's CSP, as a debugger does). */
async function violations(p: Page): Promise<string[]> {
  await p.evaluate(AXE);
  const found = await p.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<{ violations: Violation[]; passes: unknown[] }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return { violations: r.violations, passes: r.passes.length };
  });
  // Something was checked: a page axe could not read would pass every rule.
  expect(found.passes).toBeGreaterThan(10);
  return found.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

const PAGES: [string, string, number][] = [
  ['the home page', '/', 200],
  ['results with sources, dates and folded near-duplicates', `/?q=${enc('هبوط أسعار النفط')}`],
  ['results newest first within dates', `/?q=${enc('النفط')}&sort=newest&from=2015-07-22&to=2015-07-23`],
  ['results of one source, every copy shown', `/?q=${enc('هبوط أسعار النفط')}&source=alweeam&collapse=false`],
  ['a corrected query', `/?q=${enc('الاقتصاد السعوودي')}`],
  ['a did-you-mean beside results', `/?q=${enc('الاقتصاد السعوودي')}&correct=false`],
  ['an empty result', `/?q=${enc('قزحزحقز')}`],
  ['a bad parameter', `/?q=${enc('النفط')}&page=0`],
  ['a missing document', '/doc/no-such-document'],
  ['an unknown page', '/no/such/page'],
  ['a document with its matches', `/doc/sn-1747?q=${enc('أسعار النفط')}`],
].map(([name, path, status]) => [name as string, path as string, (status as number | undefined) ?? (/doc\/no|no\/such/.test(path as string) ? 404 : /page=0/.test(path as string) ? 400 : 200)]);

describe.each([
  ['desktop', { width: 1280, height: 900 }],
  ['phone', { width: 390, height: 844 }],
])('axe-core at %s width', (_w, viewport) => {
  it.each(PAGES)('finds nothing on %s', async (_name, path, status) => {
    const ctx = await browser.newContext({ locale: 'ar', viewport });
    try {
      const p = await ctx.newPage();
      const res = await p.goto(srv.url + path);
      expect(res?.status()).toBe(status);
      expect(await violations(p)).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it('finds nothing with the suggestion list open and an option chosen', async () => {
    const ctx = await browser.newContext({ locale: 'ar', viewport });
    try {
      const p = await ctx.newPage();
      await p.goto(srv.url + '/');
      await typeInto(p, 'أسعار النف');
      await p.locator('#suggestions [role="option"]').first().waitFor();
      await p.keyboard.press('ArrowDown');
      expect(await violations(p)).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});

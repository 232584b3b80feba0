/**
 * Long unbroken strings never widen the page. Documents whose title is 4,000
 * letters without a space, whose text holds a 50,000-letter run, whose source
 * is 200 letters, whose id is 1,000 characters, and a 1,000-letter word that
 * suggestions offer: in real Chromium, at desktop and phone widths, the
 * results (with their facets), the document view and the suggestion list
 * stay as wide as the window (`scrollWidth <= innerWidth`).
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { arabicText, prng, useServedInChromium } from './corpus.js';

const rand = prng(909);
const RUN = (n: number) => Array.from({ length: n }, (_, i) => 'سمعقلبتنكم'[i % 10]).join('');
const MARKER = 'طويلةفريدة';
const LONG_ID = `id-${'x'.repeat(996)}`;
/** Typing its first letters brings the 1,000-letter word up as a suggestion. */
const SUGGESTED = `ظظظ${RUN(997)}`;

const WIDTHS: [string, { width: number; height: number }][] = [
  ['desktop', { width: 1280, height: 800 }],
  ['phone', { width: 375, height: 740 }],
];

const fx = useServedInChromium(
  () => [
    { id: LONG_ID, title: `${MARKER} ${RUN(3980)}`, text: `${arabicText(300, rand)} ${MARKER} ${RUN(50_000)} ${arabicText(300, rand)} ${SUGGESTED}`, source: RUN(200) },
    { id: 'short', title: `${MARKER} قصير`, text: `${arabicText(200, rand)} ${MARKER}`, source: `${RUN(150)}ب` },
    { id: 'url', title: `${MARKER} رابط`, text: `https://example.com/${'a'.repeat(3000)} ${MARKER}`, source: 'https://example.com/' + 'b'.repeat(170) },
  ],
  { FAHRAS_CLIENT_CPU_MS: '0' },
);

async function widths(page: Page): Promise<{ scroll: number; inner: number }> {
  return page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
}

/** A page of `viewport` size, closed after `fn`. */
async function onPage(viewport: { width: number; height: number }, fn: (page: Page) => Promise<void>): Promise<void> {
  const page = await fx.browser.newPage({ viewport, locale: 'ar' });
  try {
    await fn(page);
  } finally {
    await page.close();
  }
}

async function expectNoWiderThanWindow(page: Page): Promise<number> {
  const w = await widths(page);
  expect(w.scroll, JSON.stringify(w)).toBeLessThanOrEqual(w.inner);
  return w.inner;
}

describe.each(WIDTHS)('long unbroken strings at %s width', (_name, viewport) => {
  it('the results page, with its facets, is no wider than the window', () =>
    onPage(viewport, async (page) => {
      expect(fx.idx.stderr).not.toMatch(/skipped/);
      await page.goto(`${fx.srv.url}/?q=${encodeURIComponent(MARKER)}`);
      await expect.poll(() => page.locator('.result').count()).toBe(3);
      expect(await page.locator('.facet').count()).toBeGreaterThan(2);
      await expectNoWiderThanWindow(page);
    }));

  it('the document view is no wider than the window', () =>
    onPage(viewport, async (page) => {
      await page.goto(`${fx.srv.url}/doc/${encodeURIComponent(LONG_ID)}?q=${encodeURIComponent(MARKER)}`);
      await expect.poll(() => page.locator('.doc-title').count()).toBe(1);
      await expectNoWiderThanWindow(page);
    }));

  it('the suggestion list offering a 1,000-letter word is no wider than the window', () =>
    onPage(viewport, async (page) => {
      await page.goto(fx.srv.url);
      await page.locator('#q').click();
      await page.locator('#q').pressSequentially('ظظظ', { delay: 30 });
      await expect.poll(() => page.locator('#suggestions li').count(), { timeout: 10_000 }).toBeGreaterThan(0);
      expect(await page.locator('#suggestions li').first().textContent()).toContain(SUGGESTED.slice(0, 50));
      const inner = await expectNoWiderThanWindow(page);
      const box = await page.locator('#suggestions').boundingBox();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(inner);
    }));
});

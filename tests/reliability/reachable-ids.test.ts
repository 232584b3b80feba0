/**
 * Every id the loader accepts can be reached: documents whose ids hold `/`,
 * `?`, `#`, `%`, spaces, quotes, markup, a backslash, Arabic, emoji, dots, and
 * 1,000 characters (one, two and three UTF-8 bytes each) are indexed by
 * `fahras index` and served by `fahras serve`. For each, in real Chromium,
 * the result link of a search for it opens its page; over HTTP,
 * /api/documents/<id> and /doc/<id> answer it. Ids nothing could reach — `.`
 * and `..` (browsers resolve them away), 1,001 characters, a control
 * character — are refused at load with the usual problem line.
 */
import { describe, expect, it } from 'vitest';
import { useServedInChromium } from './corpus.js';

const REACHABLE = [
  'a/b',
  '/',
  '//x//',
  'a?b=c',
  '?',
  'a#b',
  '#',
  '100%',
  '%',
  '%2e%2e',
  '%2F',
  '%zz',
  'with space',
  'quote"s',
  "apos'",
  '<b>tag</b>',
  'a&b;c=d',
  'back\\slash',
  'plus+sign',
  'مقال/عربي؟',
  '😀🎉',
  '.hidden',
  '..x',
  'x.',
  '...',
  'é e\u0301',
  '\u200fاتجاه',
  'x'.repeat(1000),
  'ع'.repeat(1000),
  '€'.repeat(1000),
  '😀'.repeat(500),
];
const REFUSED: [string, RegExp][] = [
  ['.', /"id" cannot be "\."/],
  ['..', /"id" cannot be "\.\."/],
  ['x'.repeat(1001), /"id" is longer than 1000 characters/],
  ['tab\tid', /"id" holds a control character/],
];

/** A made-up word found in one document only. */
const marker = (i: number) => `عنوان${String.fromCharCode(0x0628 + (i % 20))}${String.fromCharCode(0x0628 + Math.floor(i / 20))}فريد`;

const fx = useServedInChromium(() => [...REACHABLE, ...REFUSED.map(([id]) => id)].map((id, i) => ({ id, title: `${marker(i)} وثيقة`, text: `نص الوثيقة ${marker(i)} للاختبار` })), { FAHRAS_CLIENT_CPU_MS: '0' });

describe('document ids', () => {
  it('that nothing could reach are refused at load, each with its line and reason', () => {
    const lines = fx.idx.stderr.split('\n').filter((l) => l.startsWith('skipped '));
    expect(lines).toHaveLength(REFUSED.length);
    REFUSED.forEach(([, why], k) => expect(lines[k]).toMatch(new RegExp(`docs\\.jsonl:${REACHABLE.length + k + 1}: ${why.source}`)));
  });

  it('every other is reached over HTTP: /api/documents/<id> and /doc/<id>', async () => {
    for (const [i, id] of REACHABLE.entries()) {
      const api = await fetch(`${fx.srv.url}/api/documents/${encodeURIComponent(id)}`);
      expect(api.status, id.slice(0, 40)).toBe(200);
      expect(((await api.json()) as { id: string }).id).toBe(id);
      const page = await fetch(`${fx.srv.url}/doc/${encodeURIComponent(id)}?q=${encodeURIComponent(marker(i))}`);
      expect(page.status, id.slice(0, 40)).toBe(200);
      expect(await page.text()).toContain(`<mark id="m1">${marker(i)}</mark>`);
    }
  });

  it('every other is reached in Chromium by following its result link', async () => {
    const context = await fx.browser.newContext({ locale: 'ar' });
    const page = await context.newPage();
    try {
      for (const [i, id] of REACHABLE.entries()) {
        await page.goto(`${fx.srv.url}/?q=${encodeURIComponent(marker(i))}`);
        const link = page.locator('.result-title a');
        await expect.poll(() => link.count(), { timeout: 10_000 }).toBe(1);
        await Promise.all([page.waitForURL((u) => u.pathname.startsWith('/doc/')), link.click()]);
        expect(decodeURIComponent(new URL(page.url()).pathname.slice('/doc/'.length)), id.slice(0, 40)).toBe(id);
        expect(await page.locator('.doc-title').textContent(), id.slice(0, 40)).toContain(marker(i));
        expect(await page.locator('#m1').textContent()).toBe(marker(i));
      }
    } finally {
      await context.close();
    }
  }, 180_000);
});

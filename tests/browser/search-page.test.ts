/**
 * The search page in real headless Chromium (Debian's /usr/bin/chromium via
 * playwright-core): as-you-type results, keyboard suggestions, the document
 * view, history, rendering without JavaScript, and markup in documents shown
 * as text.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/serve.js';
import { buildFixtureIndex, fixtureEngine, ROOT, startTestServer, type TempIndex } from '../helpers/server.js';

const ARTIFACTS = join(ROOT, 'tests', 'artifacts');
const enc = encodeURIComponent;

let idx: TempIndex;
let srv: RunningServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Console errors and CSP violations seen by the current page. */
let problems: string[];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  [idx, browser] = await Promise.all([
    buildFixtureIndex(fixtureEngine()),
    chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] }),
  ]);
  srv = await startTestServer({ ...idx.server, watch: false, reloadPollMs: 0 });
});

afterAll(async () => {
  await browser?.close();
  await srv?.close();
  await idx?.cleanup();
});

beforeEach(async () => {
  context = await browser.newContext({ locale: 'ar', viewport: { width: 1100, height: 800 } });
  page = await context.newPage();
  problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
});

afterEach(async () => {
  await context?.close();
});

async function typeQuery(text: string): Promise<void> {
  await page.locator('#q').click();
  await page.locator('#q').pressSequentially(text, { delay: 20 });
}

describe('search page', () => {
  it('is Arabic, right to left, with the bundled font and the name in the header', async () => {
    await page.goto(srv.url + '/');
    expect(await page.getAttribute('html', 'lang')).toBe('ar');
    expect(await page.getAttribute('html', 'dir')).toBe('rtl');
    await expect.poll(() => page.locator('.brand').textContent()).toBe('فهرس');
    const fontOk = await page.evaluate(async () => {
      await document.fonts.ready;
      await document.fonts.load('16px "Noto Naskh Arabic"', 'بحث');
      return document.fonts.check('16px "Noto Naskh Arabic"', 'بحث');
    });
    expect(fontOk).toBe(true);
    expect(await page.locator('label[for="q"]').count()).toBe(1);
    expect(problems).toEqual([]);
  });

  it('shows highlighted results as you type, with count and time, and puts the query in the URL', async () => {
    await page.goto(srv.url + '/');
    await typeQuery('النفط');
    await page.locator('#results .result mark').first().waitFor();
    await expect.poll(() => page.locator('#results .result').count()).toBe(4);
    const status = await page.locator('#status').textContent();
    expect(status).toMatch(/^٤ نتائج \([٠-٩٫]+ مللي ثانية\)$/);
    expect(await page.getAttribute('#status', 'aria-live')).toBe('polite');
    expect(new URL(page.url()).searchParams.get('q')).toBe('النفط');
    const first = page.locator('#results .result').first();
    expect(await first.locator('.result-meta .source').count()).toBe(1);
    expect(await first.locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // Latin text in results is isolated and laid out left to right.
    const latin = page.locator('.result-title a', { hasText: 'Brent' });
    expect(await latin.getAttribute('dir')).toBe('auto');
    expect(await latin.evaluate((el) => getComputedStyle(el).direction)).toBe('ltr');
    expect(await page.locator('#facets .facet').count()).toBeGreaterThan(2);
    await page.screenshot({ path: join(ARTIFACTS, 'results.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('navigates suggestions with the keyboard: ArrowDown + Enter selects, Escape closes', async () => {
    await page.goto(srv.url + '/');
    const input = page.locator('#q');
    expect(await input.getAttribute('role')).toBe('combobox');
    await typeQuery('أسعار النف');
    const options = page.locator('#suggestions [role="option"]');
    await options.first().waitFor();
    expect(await input.getAttribute('aria-expanded')).toBe('true');
    expect(await page.getAttribute('#suggestions', 'role')).toBe('listbox');

    await page.keyboard.press('ArrowDown');
    expect(await options.first().getAttribute('aria-selected')).toBe('true');
    expect(await input.getAttribute('aria-activedescendant')).toBe(await options.first().getAttribute('id'));
    const chosen = (await options.first().locator('.term').textContent())!;
    expect(chosen).toBe('أسعار النفط');
    // Wrap around with ArrowUp and come back.
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowDown');
    if ((await options.count()) > 1) {
      expect(await options.first().getAttribute('aria-selected')).toBe('false');
      await page.keyboard.press('ArrowUp');
    }
    expect(await options.first().getAttribute('aria-selected')).toBe('true');

    await page.keyboard.press('Enter');
    await expect.poll(() => input.inputValue()).toBe(chosen);
    expect(await page.isHidden('#suggestions')).toBe(true);
    expect(await input.getAttribute('aria-expanded')).toBe('false');
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe(chosen);
    await page.locator('#results .result mark').first().waitFor();

    // Escape closes an open list without touching the query.
    await input.press('End');
    await page.keyboard.type(' ال');
    await options.first().waitFor();
    await page.keyboard.press('Escape');
    expect(await page.isHidden('#suggestions')).toBe(true);
    expect(await input.getAttribute('aria-expanded')).toBe('false');
    expect(await input.inputValue()).toBe(`${chosen} ال`);
  });

  it('opens a document with every match highlighted, scrolled to the first, and Back returns to the results', async () => {
    await page.goto(`${srv.url}/?q=${enc('المرجان')}`);
    await page.locator('#results .result-title a').first().click();
    await page.waitForURL(/\/doc\/srv-008/);
    const marks = page.locator('.doc-text mark');
    // Both occurrences of the word, and المرجانية (same root).
    expect((await marks.allTextContents()).filter((t) => t === 'المرجان')).toHaveLength(2);
    expect(await marks.allTextContents()).toContain('المرجانية');
    expect(await page.locator('.doc-text').evaluate((el) => getComputedStyle(el).whiteSpace)).toBe('pre-line');
    // The match is far down a long article: the page scrolled to it.
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(200);
    const inView = await page.locator('#m1').evaluate((el) => {
      const r = el.getBoundingClientRect();
      return r.top >= 0 && r.bottom <= window.innerHeight;
    });
    expect(inView).toBe(true);
    expect(problems).toEqual([]);

    await page.goBack();
    await page.waitForURL((u) => u.pathname === '/' && u.searchParams.get('q') === 'المرجان');
    await page.locator('#results .result mark').first().waitFor();
    expect(await page.locator('#q').inputValue()).toBe('المرجان');
  });

  it('keeps history: facets and typed queries are Back-able', async () => {
    await page.goto(`${srv.url}/?q=${enc('النفط')}`);
    await page.locator('#facets .facet', { hasText: 'عكاظ' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('source')).toBe('عكاظ');
    await expect.poll(() => page.locator('#results .result').count()).toBe(1);
    expect(await page.locator('#facets .facet.active').textContent()).toContain('عكاظ');
    await page.goBack();
    await expect.poll(() => page.locator('#results .result').count()).toBe(4);
    expect(new URL(page.url()).searchParams.get('source')).toBeNull();
  });

  it('shows the empty state with a did-you-mean link', async () => {
    await page.goto(srv.url + '/');
    await typeQuery('النفظ');
    await page.locator('.notice.empty').waitFor();
    expect(await page.locator('.notice.empty').textContent()).toContain('لا توجد نتائج');
    expect(await page.locator('#status').textContent()).toContain('لا توجد نتائج');
    const link = page.locator('.did-you-mean a');
    expect(await link.textContent()).toBe('النفط');
    await link.click();
    await page.locator('#results .result mark').first().waitFor();
    expect(await page.locator('#q').inputValue()).toBe('النفط');
  });

  it('shows an error state when the server fails', async () => {
    await page.goto(srv.url + '/');
    await page.route('**/fragments?**', (route) => route.fulfill({ status: 500, contentType: 'application/json', body: '{"error":{"code":"internal","message":"x"}}' }));
    await typeQuery('التمور');
    await page.locator('.notice.error[role="alert"]').waitFor();
    expect(await page.locator('.notice.error').textContent()).toContain('تعذّر');
    expect(await page.locator('#results .result').count()).toBe(0);
  });

  it('paginates', async () => {
    await page.goto(`${srv.url}/?q=${enc('ال')}*`);
    const status = (await page.locator('#status').textContent())!;
    const total = Number(status.split(' ')[0].replace(/[٠-٩]/g, (d) => String('٠١٢٣٤٥٦٧٨٩'.indexOf(d))));
    expect(total).toBeGreaterThan(10);
    const firstPage = await page.locator('#results .result-title a').first().getAttribute('href');
    await page.locator('#pager a.next').click();
    await expect.poll(() => new URL(page.url()).searchParams.get('page')).toBe('2');
    await expect.poll(() => page.locator('#results .result-title a').first().getAttribute('href')).not.toBe(firstPage);
    expect(await page.locator('#pager [aria-current="page"]').textContent()).toBe('٢');
  });

  it('fits a phone-sized screen', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(`${srv.url}/?q=${enc('النفط')}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const box = await page.locator('#q').boundingBox();
    expect(box!.width).toBeGreaterThan(250);
  });
});

describe('without JavaScript', () => {
  it('renders results for /?q= on the server, and the form and document view work', async () => {
    const ctx = await browser.newContext({ javaScriptEnabled: false, locale: 'ar' });
    const p = await ctx.newPage();
    try {
      await p.goto(`${srv.url}/?q=${enc('النفط')}`);
      expect(await p.locator('#results .result').count()).toBe(4);
      expect(await p.locator('#results .result mark').count()).toBeGreaterThan(3);
      expect(await p.locator('#status').textContent()).toMatch(/^٤ نتائج/);
      expect(await p.locator('#q').inputValue()).toBe('النفط');

      await p.locator('#q').fill('التمور');
      await p.locator('#q').press('Enter');
      await p.waitForURL((u) => u.searchParams.get('q') === 'التمور');
      expect(await p.locator('#results .result').count()).toBe(1);

      await p.locator('#results .result-title a').first().click();
      await p.waitForURL(/\/doc\/srv-010/);
      expect(await p.locator('.doc-text mark').count()).toBeGreaterThan(1);
      expect(await p.locator('#m1').count()).toBe(1);

      const missing = await p.goto(`${srv.url}/doc/no-such-document`);
      expect(missing!.status()).toBe(404);
      expect(await p.locator('h1').textContent()).toBe('غير موجود');
    } finally {
      await ctx.close();
    }
  });
});

describe('markup inside documents', () => {
  const SCRIPT = '<script>window.__pwned=1</script>';
  const IMG = '<img src=x onerror="window.__pwned=1">';

  async function expectInert(p: Page): Promise<void> {
    expect(await p.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await p.locator('main img, main script').count()).toBe(0);
  }

  it('shows it as literal text in server-rendered results', async () => {
    await page.goto(`${srv.url}/?q=${enc('اختراق')}`);
    const title = page.locator('#results .result-title a').first();
    expect(await title.textContent()).toContain(SCRIPT);
    expect(await page.locator('#results .snippet').first().textContent()).toContain(IMG);
    await expectInert(page);
  });

  it('shows it as literal text in results rendered by the script', async () => {
    await page.goto(srv.url + '/');
    await typeQuery('اختراق');
    await page.locator('#results .result mark').first().waitFor();
    expect(await page.locator('#results .result-title a').first().textContent()).toContain(SCRIPT);
    expect(await page.locator('#results .snippet').first().textContent()).toContain(IMG);
    await expectInert(page);
  });

  it('shows it as literal text in the document view', async () => {
    await page.goto(`${srv.url}/doc/srv-007?q=${enc('اختراق')}`);
    expect(await page.locator('.doc-title').textContent()).toContain(SCRIPT);
    expect(await page.locator('.doc-text').textContent()).toContain(IMG);
    expect(await page.title()).toContain(SCRIPT);
    await expectInert(page);
  });
});

/**
 * The search page for people who search news every day, in real headless
 * Chromium on 7,000 SaudiNewsNet articles (read from the shared data at test
 * time): suggestions that go with the words already typed, a misspelled word
 * corrected with the literal search one click away, a did-you-mean beside
 * results, newest first, a date range, the date facet, and one wire story
 * printed by two papers shown once. After every step the page is the one its
 * address renders without JavaScript; the form works without it too.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/serve.js';
import { buildNewsIndex, fixtureEngine, startTestServer, type TempIndex } from '../helpers/server.js';
import { launchChromium, Renderer, settled, snapshot, typeInto } from './renderer.js';

const enc = encodeURIComponent;
const OIL_STORY = 'هبوط أسعار النفط في بداية التعاملات الآسيوية';
let idx: TempIndex;
let srv: RunningServer;
let browser: Browser;
let page: Renderer;

beforeAll(async () => {
  [idx, browser] = await Promise.all([buildNewsIndex(7000, fixtureEngine()), launchChromium()]);
  srv = await startTestServer({ ...idx.server, watch: false, reloadPollMs: 0 });
  page = await Renderer.open(browser, () => srv.url);
}, 120_000);

afterAll(async () => {
  await page?.close();
  await browser?.close();
  await srv?.close();
  await idx?.cleanup();
});

async function api(path: string): Promise<{ total: number; collapse?: { folded: number } }> {
  const res = await fetch(srv.url + path);
  expect(res.status).toBe(200);
  return res.json();
}

/** The days (YYYY-MM-DD) of the results shown. */
function resultDays(p: Page): Promise<string[]> {
  return p.locator('#results .result time').evaluateAll((ts) => ts.map((t) => t.getAttribute('datetime')!));
}

const arabicDigits = (s: string) => Number(s.replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x660)).replace(/[^\d]/g, ''));

describe('suggestions', () => {
  it('complete «أسعار النف» with the words of documents about prices, counted for the whole query, and take one with the keyboard', async () => {
    await page.withPage(async (p) => {
      await p.goto(srv.url + '/');
      await typeInto(p, 'أسعار النف');
      const options = p.locator('#suggestions [role="option"]');
      await options.first().waitFor();
      const shown = await options.evaluateAll((os) => os.map((o) => [o.querySelector('.term')!.textContent!, o.querySelector('.count')!.textContent!]));
      expect(shown[0][0]).toBe('أسعار النفط');
      for (const [query, count] of shown.slice(0, 3)) expect(arabicDigits(count)).toBe((await api(`/api/search?q=${enc(query)}&mode=all&limit=1`)).total);

      await p.keyboard.press('ArrowDown');
      await p.keyboard.press('Enter');
      await settled(p, (u) => u.searchParams.get('q') === 'أسعار النفط');
      const s = await page.expectSameAsLoaded(p);
      expect(s.areas.results).toContain('<mark>النفط</mark>');
    });
  });
});

describe('misspelled words', () => {
  it('«الاقتصاد السعوودي» is answered for «الاقتصاد السعودي», the words as typed one click away, then offered as a did-you-mean', async () => {
    await page.withPage(async (p) => {
      const corrected = await page.typedFromHome(p, 'الاقتصاد السعوودي');
      expect(await p.locator('#notice .correction').innerText()).toMatch(/نتائج عن: الاقتصاد السعودي\s+ابحث بدلًا من ذلك عن: الاقتصاد السعوودي/);
      expect(corrected.areas.results).toContain('<mark>السعودي</mark>');
      expect(corrected.form.q).toBe('الاقتصاد السعوودي');

      const literal = await page.follow(p, '#notice .instead a', (u) => u.searchParams.get('correct') === 'false');
      expect(await p.locator('#notice .did-you-mean').innerText()).toBe('هل تقصد: الاقتصاد السعودي؟');
      expect(literal.areas.results).not.toContain('<mark>السعودي</mark>');
      expect(arabicDigits(literal.areas.status.split('(')[0])).toBe((await api(`/api/search?q=${enc('الاقتصاد')}`)).total);

      const meant = await page.follow(p, '#notice .did-you-mean a', (u) => u.searchParams.get('q') === 'الاقتصاد السعودي' && !u.searchParams.has('correct'));
      expect(meant.areas.notice).toBe('<div id="notice"></div>');
      expect(meant.form.q).toBe('الاقتصاد السعودي');
    });
  });

  it('a word far rarer than a common near spelling gets a did-you-mean beside the results', async () => {
    await page.withPage(async (p) => {
      const s = await page.typedFromHome(p, 'النبي ابرهيم');
      expect(s.areas.results).toContain('class="result"');
      await page.follow(p, '#notice .did-you-mean a', (u) => u.searchParams.get('q') === 'النبي إبراهيم');
    });
  });
});

describe('dates', () => {
  it('newest first, then a date range typed into the form, then all dates again', async () => {
    await page.withPage(async (p) => {
      await p.goto(`${srv.url}/?q=${enc('النفط')}`);
      await p.locator('#sort').selectOption('newest');
      await settled(p, (u) => u.searchParams.get('sort') === 'newest');
      await page.expectSameAsLoaded(p);
      const days = await resultDays(p);
      expect(days).toHaveLength(10);
      expect([...days].sort().reverse()).toEqual(days);

      await p.locator('#from').fill('2015-07-22');
      await settled(p, (u) => u.searchParams.get('from') === '2015-07-22');
      await p.locator('#to').fill('2015-07-23');
      await settled(p, (u) => u.searchParams.get('to') === '2015-07-23');
      const ranged = await page.expectSameAsLoaded(p);
      expect(ranged.form).toMatchObject({ sort: 'newest', from: '2015-07-22', to: '2015-07-23' });
      for (const d of await resultDays(p)) expect(d >= '2015-07-22' && d <= '2015-07-23').toBe(true);
      expect(await p.locator('#facets .date-facet .facet').count()).toBe(2);

      const all = await page.follow(p, '#facets .facet-clear a', (u) => !u.searchParams.has('from') && !u.searchParams.has('to'));
      expect(all.form).toMatchObject({ sort: 'newest', from: '', to: '' });
    });
  });

  it('a day of the date facet narrows the results to its documents', async () => {
    await page.withPage(async (p) => {
      await p.goto(`${srv.url}/?q=${enc('النفط')}`);
      const day = p.locator('#facets .date-facet .facet').nth(1);
      const count = arabicDigits(await day.locator('.count').innerText());
      const s = await page.follow(p, '#facets .date-facet .facet >> nth=1', (u) => u.searchParams.has('from') && u.searchParams.get('from') === u.searchParams.get('to'));
      expect(arabicDigits(s.areas.status.split('(')[0])).toBe(count);
      const from = new URL(p.url()).searchParams.get('from');
      expect(new Set(await resultDays(p))).toEqual(new Set([from]));
      expect(s.areas.facets).toMatch(/class="facet active" [^>]*aria-current="true"/);
    });
  });

  it('the order and the date facet work from the keyboard', async () => {
    await page.withPage(async (p) => {
      await p.goto(`${srv.url}/?q=${enc('النفط')}`);
      await p.locator('#sort').focus();
      await p.keyboard.press('ArrowDown');
      await settled(p, (u) => u.searchParams.get('sort') === 'newest');
      expect(await p.evaluate(() => document.activeElement?.id)).toBe('sort');
      await page.expectSameAsLoaded(p);
      await p.locator('#facets .date-facet .facet').first().focus();
      await p.keyboard.press('Enter');
      await settled(p, (u) => u.searchParams.has('from') && u.searchParams.get('sort') === 'newest');
      await page.expectSameAsLoaded(p);
    });
  });

  it('without JavaScript, the form sends the order and the dates', async () => {
    const ctx = await browser.newContext({ javaScriptEnabled: false, locale: 'ar' });
    try {
      const p = await ctx.newPage();
      await p.goto(`${srv.url}/?q=${enc('النفط')}`);
      await p.locator('#sort').selectOption('newest');
      await p.locator('#from').fill('2015-07-21');
      await p.locator('#to').fill('2015-07-21');
      await p.locator('.search-button').click();
      await p.waitForURL((u) => u.searchParams.get('sort') === 'newest');
      expect(new URL(p.url()).searchParams.get('from')).toBe('2015-07-21');
      expect(new Set(await resultDays(p))).toEqual(new Set(['2015-07-21']));
      expect((await snapshot(p)).form).toMatchObject({ sort: 'newest', from: '2015-07-21', to: '2015-07-21' });
    } finally {
      await ctx.close();
    }
  });
});

describe('near-duplicates', () => {
  it('one wire story from two papers is one result, the other paper under "also in"; every copy on request', async () => {
    await page.withPage(async (p) => {
      const folded = await page.typedFromHome(p, OIL_STORY);
      const story = p.locator('#results .result', { hasText: OIL_STORY });
      await expect.poll(() => story.count()).toBe(1);
      const main = await story.locator('.result-meta .source').innerText();
      const also = await story.locator('.also-in a').innerText();
      expect([main, also].sort()).toEqual(['3alyoum', 'alweeam']);
      const collapse = (await api(`/api/search?q=${enc(OIL_STORY)}&collapse=true`)).collapse!;
      expect(collapse.folded).toBeGreaterThanOrEqual(1);
      expect(folded.areas.collapse).toContain(`دُمجت في نتائج هذه الصفحة: ${collapse.folded.toLocaleString('ar-u-nu-arab')}.`);

      // The "also in" link opens the other paper's article.
      const href = await story.locator('.also-in a').getAttribute('href');
      expect(href).toMatch(/^\/doc\/sn-\d+\?q=/);

      const every = await page.follow(p, '#collapse a', (u) => u.searchParams.get('collapse') === 'false');
      expect(every.form.collapse).toBe('false');
      await expect.poll(() => story.count()).toBe(2);
      await page.follow(p, '#collapse a', (u) => !u.searchParams.has('collapse'));
      await expect.poll(() => story.count()).toBe(1);
    });
  });
});

/**
 * The search page has one renderer, the server's: in real headless Chromium,
 * a page loaded with JavaScript and the same page loaded without it have the
 * same status line, notice, facets, results, pager, title and form, for real
 * Arabic queries (results, filters, pages, an empty result with and without a
 * did-you-mean, a bad parameter, the home page); and whatever the script shows
 * after typing, clicking a facet, a page or a did-you-mean link, changing the
 * mode, clearing the box or going Back is what loading that address shows.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/serve.js';
import { buildFixtureIndex, fixtureEngine, startTestServer, type TempIndex } from '../helpers/server.js';

const enc = encodeURIComponent;
let idx: TempIndex;
let srv: RunningServer;
let browser: Browser;
let withJs: BrowserContext;
let withoutJs: BrowserContext;

beforeAll(async () => {
  [idx, browser] = await Promise.all([
    buildFixtureIndex(fixtureEngine()),
    chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] }),
  ]);
  srv = await startTestServer({ ...idx.server, watch: false, reloadPollMs: 0 });
  withJs = await browser.newContext({ locale: 'ar', viewport: { width: 1100, height: 800 } });
  withoutJs = await browser.newContext({ javaScriptEnabled: false, locale: 'ar', viewport: { width: 1100, height: 800 } });
});

afterAll(async () => {
  await browser?.close();
  await srv?.close();
  await idx?.cleanup();
});

interface Snapshot {
  title: string;
  areas: Record<string, string>;
  form: { q: string; mode: string; source: string | null };
}

/** What the page shows: the areas that change with the query (the time in the status masked), the title and the form. */
async function snapshot(p: Page): Promise<Snapshot> {
  const s = await p.evaluate(() => {
    const areas: Record<string, string> = {};
    for (const id of ['status', 'notice', 'facets', 'results', 'pager']) areas[id] = document.getElementById(id)!.outerHTML;
    const source = document.querySelector<HTMLInputElement>('#search-form input[name="source"]');
    return {
      title: document.title,
      areas,
      form: { q: document.querySelector<HTMLInputElement>('#q')!.value, mode: document.querySelector<HTMLSelectElement>('#mode')!.value, source: source ? source.value : null },
    };
  });
  s.areas.status = s.areas.status.replace(/\([٠-٩٫.\d]+ مللي ثانية\)/, '(… مللي ثانية)');
  return s;
}

/** The page at `url` without JavaScript: the server's rendering alone. */
async function loadedWithoutJs(url: string): Promise<Snapshot> {
  const p = await withoutJs.newPage();
  try {
    await p.goto(url);
    return await snapshot(p);
  } finally {
    await p.close();
  }
}

/** Waits until the script shows `expected` (an address) and has its pieces in place. */
async function settled(p: Page, expected: (u: URL) => boolean): Promise<void> {
  await p.waitForURL(expected);
  await p.waitForFunction(() => !document.getElementById('results')!.hasAttribute('aria-busy'));
}

async function withPage(fn: (p: Page, problems: string[]) => Promise<void>): Promise<void> {
  const p = await withJs.newPage();
  const problems: string[] = [];
  p.on('pageerror', (e) => problems.push(e.message));
  p.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(m.text());
  });
  try {
    await fn(p, problems);
    expect(problems).toEqual([]);
  } finally {
    await p.close();
  }
}

async function typeInto(p: Page, text: string): Promise<void> {
  await p.locator('#q').click();
  await p.locator('#q').pressSequentially(text, { delay: 20 });
}

/** The JavaScript page now shows exactly what loading its address without JavaScript shows. */
async function expectSameAsLoaded(p: Page): Promise<Snapshot> {
  const shown = await snapshot(p);
  expect(shown).toEqual(await loadedWithoutJs(p.url()));
  return shown;
}

/** From the home page, types `q`; what the script then shows, checked against loading its address. */
async function typedFromHome(p: Page, q: string): Promise<Snapshot> {
  await p.goto(srv.url + '/');
  await typeInto(p, q);
  await settled(p, (u) => u.searchParams.get('q') === q);
  return expectSameAsLoaded(p);
}

describe('with and without JavaScript, loading an address', () => {
  const addresses: [string, string][] = [
    ['the home page', '/'],
    ['results with facets', `/?q=${enc('النفط')}`],
    ['a source filter', `/?q=${enc('النفط')}&source=${enc('عكاظ')}`],
    ['documents without a source, filtered', `/?q=${enc('العراق')}&source=${enc('(none)')}`],
    ['the second page of a prefix', `/?q=${enc('ال')}*&page=2`],
    ['all words, none matching', `/?q=${enc('الهلال التمور')}&mode=all`],
    ['nothing, with a did-you-mean', `/?q=${enc('النفظ')}`],
    ['markup in documents', `/?q=${enc('اختراق')}`],
    ['a bad page number', `/?q=${enc('النفط')}&page=0`],
  ];

  it.each(addresses)('%s (%s) looks the same', async (_name, path) => {
    await withPage(async (p) => {
      await p.goto(srv.url + path);
      const shown = await expectSameAsLoaded(p);
      // Every area that should have content has it, so the comparison compares something.
      expect(Object.values(shown.areas).join('')).toMatch(/<(li|div|a|span) /);
    });
  });
});

describe('what the script shows is what the address shows', () => {
  it('typing a query, then choosing a source facet, then going Back', async () => {
    await withPage(async (p) => {
      const typed = await typedFromHome(p, 'النفط');
      expect(typed.areas.results).toContain('<mark>النفط</mark>');
      expect(typed.areas.facets).toContain('عكاظ');

      await p.locator('#facets .facet', { hasText: 'عكاظ' }).click();
      await settled(p, (u) => u.searchParams.get('source') === 'عكاظ');
      const filtered = await expectSameAsLoaded(p);
      expect(filtered.form.source).toBe('عكاظ');
      expect(filtered.areas.facets).toContain('aria-current="true"');

      await p.goBack();
      await settled(p, (u) => u.searchParams.get('source') === null && u.searchParams.get('q') === 'النفط');
      expect(await expectSameAsLoaded(p)).toEqual(typed);
    });
  });

  it('a query with no results offers a did-you-mean; following it', async () => {
    await withPage(async (p) => {
      const empty = await typedFromHome(p, 'النفظ');
      expect(empty.areas.notice).toContain('did-you-mean');
      expect(empty.areas.results).toBe('<ol id="results" class="results" aria-label="النتائج"></ol>');

      await p.locator('.did-you-mean a').click();
      await settled(p, (u) => u.searchParams.get('q') === 'النفط');
      expect((await expectSameAsLoaded(p)).form.q).toBe('النفط');
    });
  });

  it('the next page, then all words, then an empty box (the home page)', async () => {
    await withPage(async (p) => {
      await p.goto(`${srv.url}/?q=${enc('ال')}*`);
      await p.locator('#pager a.next').click();
      await settled(p, (u) => u.searchParams.get('page') === '2');
      expect((await expectSameAsLoaded(p)).areas.pager).toContain('aria-current="page"');

      await p.locator('#q').fill('');
      await typeInto(p, 'الهلال التمور');
      await settled(p, (u) => u.searchParams.get('q') === 'الهلال التمور' && u.searchParams.get('page') === null);
      await expectSameAsLoaded(p);
      await p.locator('#mode').selectOption('all');
      await settled(p, (u) => u.searchParams.get('mode') === 'all');
      const all = await expectSameAsLoaded(p);
      expect(all.form.mode).toBe('all');
      expect(all.areas.notice).toContain('لا توجد نتائج');

      await p.locator('#q').fill('');
      await p.locator('#q').press('Backspace');
      await settled(p, (u) => u.searchParams.get('q') === null);
      const home = await expectSameAsLoaded(p);
      expect(home.areas.notice).toContain('class="intro"');
      expect(home.title).toBe('فهرس — بحث في النصوص العربية');
    });
  });

  it('documents without a source: a facet that filters like any other', async () => {
    await withPage(async (p) => {
      await typedFromHome(p, 'العراق');
      await p.locator('#facets .facet', { hasText: 'بدون مصدر' }).click();
      await settled(p, (u) => u.searchParams.get('source') === '(none)');
      const none = await expectSameAsLoaded(p);
      expect(none.areas.results).toContain('class="result"');
      expect(none.areas.facets).toMatch(/aria-current="true" data-nav=""><bdi>بدون مصدر<\/bdi>/);
    });
  });
});

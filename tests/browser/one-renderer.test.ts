/**
 * The search page has one renderer, the server's: in real headless Chromium,
 * a page loaded with JavaScript and the same page loaded without it have the
 * same status line, notice, facets, folding line, results, pager, title and
 * form, for real Arabic queries (results, filters, pages, an empty result
 * with and without a did-you-mean, a bad parameter, the home page; on real
 * news: order, dates, the date facet, folded near-duplicates, a correction);
 * and whatever the script shows after typing, clicking a facet, a page, a
 * did-you-mean or a correction link, changing the mode, the order or the
 * dates, turning folding off, clearing the box or going Back is what loading
 * that address shows.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/serve.js';
import { buildFixtureIndex, buildNewsIndex, fixtureEngine, startTestServer, type TempIndex } from '../helpers/server.js';
import { launchChromium, Renderer, settled, typeInto } from './renderer.js';

const enc = encodeURIComponent;
let idx: TempIndex;
let newsIdx: TempIndex;
let srv: RunningServer;
let newsSrv: RunningServer;
let browser: Browser;
let fixture: Renderer;
let news: Renderer;

beforeAll(async () => {
  // The fixture on this project's engine; the news (order, dates, folding, correction) on the local index.
  [idx, newsIdx, browser] = await Promise.all([buildFixtureIndex(fixtureEngine()), buildNewsIndex(), launchChromium()]);
  [srv, newsSrv] = await Promise.all([
    startTestServer({ ...idx.server, watch: false, reloadPollMs: 0 }),
    startTestServer({ index: newsIdx.index, watch: false, reloadPollMs: 0 }),
  ]);
  [fixture, news] = await Promise.all([Renderer.open(browser, () => srv.url), Renderer.open(browser, () => newsSrv.url)]);
}, 120_000);

afterAll(async () => {
  await fixture?.close();
  await news?.close();
  await browser?.close();
  await srv?.close();
  await newsSrv?.close();
  await idx?.cleanup();
  await newsIdx?.cleanup();
});

describe('with and without JavaScript, loading an address', () => {
  const addresses: [string, string][] = [
    ['the home page', '/'],
    ['results with facets', `/?q=${enc('النفط')}`],
    ['a source filter', `/?q=${enc('النفط')}&source=${enc('عكاظ')}`],
    ['documents without a source, filtered', `/?q=${enc('العراق')}&source=`],
    ['a source named like the no-source entry', `/?q=${enc('النفط')}&source=${enc('(none)')}`],
    ['the second page of a prefix', `/?q=${enc('ال')}*&page=2`],
    ['all words, none matching', `/?q=${enc('الهلال التمور')}&mode=all`],
    ['nothing, with a did-you-mean', `/?q=${enc('النفظ')}`],
    ['markup in documents', `/?q=${enc('اختراق')}`],
    ['a bad page number', `/?q=${enc('النفط')}&page=0`],
    ['newest first, months in the date facet', `/?q=${enc('النفط')}&sort=newest`],
    ['a date range', `/?q=${enc('النفط')}&from=2015-01-01&to=2015-12-31`],
    ['dates in the wrong order', `/?q=${enc('النفط')}&from=2016-01-01&to=2015-12-31`],
    ['folding off', `/?q=${enc('النفط')}&collapse=false`],
  ];

  it.each(addresses)('%s (%s) looks the same', async (_name, path) => {
    await fixture.withPage(async (p) => {
      await p.goto(srv.url + path);
      const shown = await fixture.expectSameAsLoaded(p);
      // Every area that should have content has it, so the comparison compares something.
      expect(Object.values(shown.areas).join('')).toMatch(/<(li|div|a|span) /);
    });
  });

  const newsAddresses: [string, string][] = [
    ['a wire story printed twice, folded', `/?q=${enc('هبوط أسعار النفط في بداية التعاملات الآسيوية')}`],
    ['the same, not folded', `/?q=${enc('هبوط أسعار النفط في بداية التعاملات الآسيوية')}&collapse=false`],
    ['a misspelled word, corrected', `/?q=${enc('الاقتصاد السعوودي')}`],
    ['the misspelled word searched as typed', `/?q=${enc('الاقتصاد السعوودي')}&correct=false`],
    ['a rare misspelling beside results', `/?q=${enc('النبي ابرهيم')}`],
    ['newest first on one day', `/?q=${enc('النفط')}&sort=newest&from=2015-07-22&to=2015-07-22`],
    ['the second page, folded', `/?q=${enc('مكة المكرمة')}&page=2`],
  ];

  it.each(newsAddresses)('on news: %s (%s) looks the same', async (_name, path) => {
    await news.withPage(async (p) => {
      await p.goto(newsSrv.url + path);
      const shown = await news.expectSameAsLoaded(p);
      expect(shown.areas.results).toContain('class="result"');
      expect(shown.areas.facets).toContain('date-facet');
    });
  });
});

describe('what the script shows is what the address shows', () => {
  it('typing a query, then choosing a source facet, then going Back', async () => {
    await fixture.withPage(async (p) => {
      const typed = await fixture.typedFromHome(p, 'النفط');
      expect(typed.areas.results).toContain('<mark>النفط</mark>');
      expect(typed.areas.facets).toContain('عكاظ');

      await p.locator('#facets .facet', { hasText: 'عكاظ' }).click();
      await settled(p, (u) => u.searchParams.get('source') === 'عكاظ');
      const filtered = await fixture.expectSameAsLoaded(p);
      expect(filtered.form.source).toBe('عكاظ');
      expect(filtered.areas.facets).toContain('aria-current="true"');

      await p.goBack();
      await settled(p, (u) => u.searchParams.get('source') === null && u.searchParams.get('q') === 'النفط');
      expect(await fixture.expectSameAsLoaded(p)).toEqual(typed);
    });
  });

  it('a query with no results offers a did-you-mean; following it', async () => {
    await fixture.withPage(async (p) => {
      const empty = await fixture.typedFromHome(p, 'النفظ');
      expect(empty.areas.notice).toContain('did-you-mean');
      expect(empty.areas.results).toBe('<ol id="results" class="results" aria-label="النتائج"></ol>');

      await p.locator('.did-you-mean a').click();
      await settled(p, (u) => u.searchParams.get('q') === 'النفط');
      expect((await fixture.expectSameAsLoaded(p)).form.q).toBe('النفط');
    });
  });

  it('the next page, then all words, then an empty box (the home page)', async () => {
    await fixture.withPage(async (p) => {
      await p.goto(`${srv.url}/?q=${enc('ال')}*`);
      await p.locator('#pager a.next').click();
      await settled(p, (u) => u.searchParams.get('page') === '2');
      expect((await fixture.expectSameAsLoaded(p)).areas.pager).toContain('aria-current="page"');

      await p.locator('#q').fill('');
      await typeInto(p, 'الهلال التمور');
      await settled(p, (u) => u.searchParams.get('q') === 'الهلال التمور' && u.searchParams.get('page') === null);
      await fixture.expectSameAsLoaded(p);
      await p.locator('#mode').selectOption('all');
      await settled(p, (u) => u.searchParams.get('mode') === 'all');
      const all = await fixture.expectSameAsLoaded(p);
      expect(all.form.mode).toBe('all');
      expect(all.areas.notice).toContain('لا توجد نتائج');

      await p.locator('#q').fill('');
      await p.locator('#q').press('Backspace');
      await settled(p, (u) => u.searchParams.get('q') === null);
      const home = await fixture.expectSameAsLoaded(p);
      expect(home.areas.notice).toContain('class="intro"');
      expect(home.title).toBe('فهرس — بحث في النصوص العربية');
    });
  });

  it('documents without a source: a facet that filters like any other', async () => {
    await fixture.withPage(async (p) => {
      await fixture.typedFromHome(p, 'العراق');
      await p.locator('#facets .facet', { hasText: 'بدون مصدر' }).click();
      await settled(p, (u) => u.searchParams.get('source') === '');
      const none = await fixture.expectSameAsLoaded(p);
      expect(none.areas.results).toContain('class="result"');
      expect(none.areas.facets).toMatch(/aria-current="true" data-nav=""><bdi>بدون مصدر<\/bdi>/);
    });
  });
});

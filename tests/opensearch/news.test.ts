/**
 * Both engines on real news — the first 7,000 SaudiNewsNet articles, one local
 * index and one build in the run's cluster of the same folder — asked the same
 * with the options main brought to the local engine: newest first, the date
 * facet and the sources past the top ones, did-you-mean beside results,
 * correction, near-duplicate folding, and suggestions that go with the words
 * typed before the last. The answers are compared as the fixture's are
 * (engine.test.ts): everything but the scores, byte for byte.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLAPSE_MAX_CANDIDATES } from '../../src/common/limits.js';
import { LocalEngine } from '../../src/engine/local.js';
import { OpenSearchEngine } from '../../src/engine/opensearch/engine.js';
import { buildOpenSearchIndex } from '../../src/engine/opensearch/indexing.js';
import type { OpenSearchSettings } from '../../src/common/defaults.js';
import type { SearchOptions, SearchResult } from '../../src/search/types.js';
import { buildNewsIndex, clusterSettings, dropAlias, type TempIndex } from '../helpers/server.js';

let news: TempIndex;
let settings: OpenSearchSettings;
let local: LocalEngine;
let os: OpenSearchEngine;

beforeAll(async () => {
  news = await buildNewsIndex();
  settings = clusterSettings('news');
  await buildOpenSearchIndex({ input: join(news.dir, 'docs'), opensearch: settings, replicas: 0 });
  local = new LocalEngine(news.index, { watch: false, pollMs: 0 });
  os = new OpenSearchEngine(settings);
  await Promise.all([local.start(), os.start()]);
}, 600_000);

afterAll(async () => {
  await local?.close();
  await os?.close();
  if (settings) await dropAlias(settings);
  news?.cleanup();
});

const OIL_STORY = 'هبوط أسعار النفط في بداية التعاملات الآسيوية';

/**
 * What both engines must agree on. Everything but the scores and what they
 * decide: the cluster's BM25 keeps document lengths in one byte (Lucene's
 * norms), so its scores differ from fahras's by a few percent and hits of
 * nearly the same score can change places; a page near its end can hold
 * another document, and a group of near-duplicates can be led by another of
 * its members. So: the totals, facets, did-you-mean, correction and counts of
 * groups are the same; every hit both return is the same byte for byte (its
 * duplicates as a set); the same documents are grouped together; the order is
 * the one asked for; and when every match fits on the page, the same hits.
 */
function expectSame(a: SearchResult, b: SearchResult, o: SearchOptions, what: string): void {
  expect(b.total, what).toBe(a.total);
  expect(b.facets, what).toEqual(a.facets);
  expect(b.didYouMean, what).toBe(a.didYouMean);
  expect(b.correction, what).toEqual(a.correction);
  expect(b.collapse?.groups, what).toBe(a.collapse?.groups);
  expect(b.collapse === undefined, what).toBe(a.collapse === undefined);
  const groupOf = (r: SearchResult) => new Map(r.hits.flatMap((h) => [h.id, ...(h.duplicates ?? []).map((d) => d.id)].map((id, _i, all) => [id, [...all].sort().join(' ')])));
  const [ga, gb] = [groupOf(a), groupOf(b)];
  for (const [id, g] of gb) if (ga.has(id)) expect(g, `${what} group of ${id}`).toBe(ga.get(id));
  const hitOf = (h: SearchResult['hits'][number]) => JSON.stringify({ ...h, score: 0, duplicates: h.duplicates && [...h.duplicates].sort((x, y) => (x.id < y.id ? -1 : 1)) });
  const ha = new Map(a.hits.map((h) => [h.id, hitOf(h)]));
  for (const h of b.hits) if (ha.has(h.id)) expect(hitOf(h), `${what} ${h.id}`).toBe(ha.get(h.id));
  const limit = o.limit ?? 10;
  if ((a.collapse?.groups ?? a.total) <= limit && !o.offset) expect(b.hits.map((h) => h.id).sort(), what).toEqual(a.hits.map((h) => h.id).sort());
  expect(b.hits.length, what).toBe(a.hits.length);
  // Best first; newest first: by day, then best first, undated last.
  const day = (h: SearchResult['hits'][number]) => (typeof h.metadata.date === 'string' ? h.metadata.date.slice(0, 10) : '');
  for (let i = 1; i < b.hits.length; i++) {
    const [x, y] = [b.hits[i - 1], b.hits[i]];
    if (o.sort === 'newest' && day(x) !== day(y)) expect(day(x) > day(y), `${what} ${x.id} before ${y.id}`).toBe(true);
    else expect(x.score, `${what} ${x.id} before ${y.id}`).toBeGreaterThanOrEqual(y.score);
  }
}

async function both(q: string, o: SearchOptions): Promise<[SearchResult, SearchResult]> {
  return Promise.all([local.search(q, o), os.search(q, o)]);
}

describe('both engines on the news', () => {
  it('sort newest first: latest day first, each day best first, the same hits and facets', async () => {
    for (const q of ['أسعار النفط', 'مكة المكرمة', 'الاقتصاد السعودي']) {
      for (const o of [{ sort: 'newest' }, { sort: 'newest', offset: 10, limit: 20 }, { sort: 'newest', filters: { source: 'alweeam' } }] as SearchOptions[]) {
        const [a, b] = await both(q, o);
        expectSame(a, b, o, `${q} ${JSON.stringify(o)}`);
      }
    }
  });

  it('facets: the top sources, the others past them, the date facet', async () => {
    for (const q of ['النفط', 'السعودية اليوم', 'مكة المكرمة']) {
      for (const o of [{}, { filters: { source: 'alweeam' } }, { filters: { from: '2015-07-01', to: '2015-07-31' } }] as SearchOptions[]) {
        const [a, b] = await both(q, { ...o, limit: 0 });
        expect(b.total).toBe(a.total);
        expect(b.facets, `${q} ${JSON.stringify(o)}`).toEqual(a.facets);
      }
    }
  });

  it('did-you-mean, beside results and when nothing matches', async () => {
    for (const q of ['الاقتصاد السعوودي', 'النبي ابرهيم', 'النفظ', 'اسعر النفط', 'أسعار النفط', 'قزحزحقز']) {
      const [a, b] = await both(q, {});
      expect(b.didYouMean, q).toBe(a.didYouMean);
      expect(b.total, q).toBe(a.total);
    }
    // Beside results: a word far rarer than a common near spelling.
    const beside = await os.search('النبي ابرهيم');
    expect(beside.total).toBeGreaterThan(0);
    expect(beside.didYouMean).toBe('النبي إبراهيم');
    const [a, b] = await both('الاقتصاد السعوودي', {});
    expect(a.didYouMean).toBe('الاقتصاد السعودي');
    expectSame(a, b, {}, 'الاقتصاد السعوودي');
  });

  it('correction: the same corrected query and answer, or none', async () => {
    for (const q of ['الاقتصاد السعوودي', 'النبي ابرهيم', 'النفظ', 'اسعر النفط', 'أسعار النفط']) {
      const [a, b] = await both(q, { correct: true });
      expect(b.correction, q).toEqual(a.correction);
      expect(b.didYouMean, q).toBe(a.didYouMean);
      expectSame(a, b, { correct: true }, q);
    }
    expect((await os.search('الاقتصاد السعوودي', { correct: true })).correction).toEqual({ query: 'الاقتصاد السعودي', original: 'الاقتصاد السعوودي' });
  });

  it('collapse: the same stories folded into the same hits, pages and counts alike', async () => {
    for (const q of [OIL_STORY, 'مكة المكرمة']) {
      for (const o of [{ collapse: true }, { collapse: true, offset: 10, limit: 10 }, { collapse: true, sort: 'newest' }, { collapse: true, mode: 'all' }] as SearchOptions[]) {
        const [a, b] = await both(q, o);
        expectSame(a, b, o, `${q} ${JSON.stringify(o)}`);
      }
    }
    // Every match grouped: the groups are counted.
    const [all, allOs] = await both(OIL_STORY, { collapse: true, mode: 'all' });
    expect(all.collapse!.groups).toBeGreaterThan(0);
    expect(allOs.collapse).toEqual(all.collapse);
    // Past the matches folding examines, a deep page lists the rest as they rank.
    const deep: SearchOptions = { collapse: true, offset: COLLAPSE_MAX_CANDIDATES - 5, limit: 10 };
    const [d, dOs] = await both('السعودية اليوم', deep);
    expect(d.total).toBeGreaterThan(COLLAPSE_MAX_CANDIDATES + 100);
    expectSame(d, dOs, deep, 'deep page');
    expect(dOs.collapse!.groups).toBeUndefined();
    const folded = await os.search(OIL_STORY, { collapse: true });
    const hit = folded.hits.find((h) => h.title === OIL_STORY)!;
    expect(hit.duplicates).toHaveLength(1);
    expect(hit.duplicates![0].source).toMatch(/^(alweeam|3alyoum)$/);
  });

  it('suggestions: completed among the documents matching the words before, counted alike', async () => {
    for (const input of ['أسعار النف', 'الاقتصاد السع', 'قزحزحقز النف', 'النف', 'الاقتص', 'مكة الم', '"أسعار النفط" في', 'أسعار النفط ', 'اقتص* السع', 'النفط -أسعار الخ', '-النفط ال']) {
      expect(await os.suggest(input), input).toEqual(await local.suggest(input));
    }
    expect((await os.suggest('أسعار النف'))[0].query).toBe('أسعار النفط');
  });
});

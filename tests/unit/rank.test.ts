/**
 * The ranker on a hand-built index: lexicons and postings written with the
 * index's own codec from a small table of term frequencies, so every score
 * can be checked against the BM25F formula by hand.
 */
import { describe, expect, it } from 'vitest';
import { NO_DATE } from '../../src/index/dates.js';
import { Lexicon, lexiconOrder } from '../../src/index/lexicon.js';
import { layoutPostings, packFrequencies, PostingCursor } from '../../src/index/postings.js';
import type { Namespace } from '../../src/index/open.js';
import { DEFAULT_RANK_PARAMS, idf, Ranker, type RankedIndex } from '../../src/search/rank.js';
import type { ParsedQuery, QueryWord } from '../../src/search/query.js';

type Counts = Record<string, [title: number, text: number]>;
interface HandDoc {
  stems: Counts;
  norms?: Counts;
  titleLength: number;
  textLength: number;
  source?: number;
  date?: number;
}

function namespace(docs: Counts[], postings: Buffer[], base: number): Lexicon {
  const terms = [...new Set(docs.flatMap((d) => Object.keys(d)))];
  const ids = new Map(terms.map((t, i) => [t, i]));
  const docStart: number[] = [];
  const postTerm: number[] = [];
  const postFreq: number[] = [];
  const df = new Uint32Array(terms.length);
  for (const d of docs) {
    docStart.push(postTerm.length);
    for (const [t, [title, text]] of Object.entries(d)) {
      postTerm.push(ids.get(t)!);
      postFreq.push(packFrequencies(title, text));
      df[ids.get(t)!]++;
    }
  }
  docStart.push(postTerm.length);
  const lists = layoutPostings(terms.length, Uint32Array.from(docStart), Uint32Array.from(postTerm), Uint8Array.from(postFreq));
  postings.push(lists.bytes);
  const order = lexiconOrder(terms);
  return new Lexicon(
    order.map((t) => terms[t]),
    Uint32Array.from(order, (t) => df[t]),
    Float64Array.from(order, (t) => base + lists.start[t]),
    Float64Array.from(order, (t) => base + lists.end[t]),
  );
}

type HandIndex = RankedIndex & { lexicons: Record<Namespace, Lexicon> };

function handBuilt(docs: HandDoc[], sources = ['', 'عكاظ', 'الرياض']): HandIndex {
  const parts: Buffer[] = [];
  const stems = namespace(docs.map((d) => d.stems), parts, 0);
  const norms = namespace(docs.map((d) => d.norms ?? {}), parts, parts[0].length);
  const roots = namespace(docs.map(() => ({})), parts, parts[0].length + parts[1].length);
  const postings = Buffer.concat(parts);
  const lexicons = { stems, norms, roots };
  const n = docs.length;
  return {
    lexicons,
    size: n,
    documents: n,
    deleted: undefined,
    sources,
    postingLists: (ns: Namespace, term: string) => {
      const lex = lexicons[ns];
      const id = lex.id(term);
      return id < 0 ? [] : [{ cursor: new PostingCursor(postings), start: lex.start[id], end: lex.end[id], base: 0, df: lex.df[id], postings: lex.df[id] }];
    },
    topByPrefix: (ns: Namespace, prefix: string, limit: number) => lexicons[ns].topByPrefix(prefix, limit).map((id) => ({ term: lexicons[ns].terms[id], df: lexicons[ns].df[id] })),
    df: (ns: Namespace, term: string) => {
      const id = lexicons[ns].id(term);
      return id < 0 ? 0 : lexicons[ns].df[id];
    },
    avgTitleLength: docs.reduce((a, d) => a + d.titleLength, 0) / n,
    avgTextLength: docs.reduce((a, d) => a + d.textLength, 0) / n,
    arrays: {
      titleLength: Uint32Array.from(docs, (d) => d.titleLength),
      textLength: Uint32Array.from(docs, (d) => d.textLength),
      source: Uint32Array.from(docs, (d) => d.source ?? 0),
      date: Int32Array.from(docs, (d) => d.date ?? NO_DATE),
    },
  };
}

const word = (stem: string, norm = stem): QueryWord => ({ stem, norm, root: stem, alternates: [] });
const query = (words: QueryWord[], more: Partial<ParsedQuery> = {}): ParsedQuery => ({ words, prefixes: [], phrases: [], excluded: [], ...more });

/** BM25F of one term in one document, as the ranker defines it. */
function expected(index: HandIndex, doc: number, lex: Lexicon, term: string, title: number, text: number, weight = 1): number {
  const p = DEFAULT_RANK_PARAMS;
  const titleNorm = 1 - p.bTitle + (p.bTitle * index.arrays.titleLength[doc]) / index.avgTitleLength;
  const textNorm = 1 - p.bText + (p.bText * index.arrays.textLength[doc]) / index.avgTextLength;
  const tf = (p.titleWeight * title) / Math.fround(titleNorm) + text / Math.fround(textNorm);
  return weight * idf(index.documents, lex.df[lex.id(term)]) * (p.k1 + 1) * (tf / (tf + p.k1));
}

const NEWS: HandDoc[] = [
  { stems: { نفط: [1, 1], سعر: [1, 2] }, norms: { النفط: [1, 1] }, titleLength: 3, textLength: 40, source: 1, date: 16_650 },
  { stems: { سعر: [0, 2], ذهب: [1, 1] }, titleLength: 2, textLength: 25, source: 2, date: 16_660 },
  { stems: { نفط: [0, 3] }, norms: { نفطه: [0, 3] }, titleLength: 4, textLength: 80, source: 1 },
  { stems: { قمح: [0, 1] }, titleLength: 1, textLength: 10 },
];

describe('the ranker on a hand-built index', () => {
  const index = handBuilt(NEWS);
  const ranker = new Ranker(index);
  const rank = (q: ParsedQuery, more: { all?: boolean; k?: number; filters?: object } = {}) => ranker.rank({ query: q, all: more.all ?? false, filters: more.filters ?? {}, k: more.k ?? 10 });

  it('scores each document by BM25F over title and text, stem plus a share for the exact form', () => {
    const r = rank(query([word('نفط', 'النفط')]));
    expect(r.docs).toEqual([0, 2]);
    const d0 = expected(index, 0, index.lexicons.stems, 'نفط', 1, 1) + expected(index, 0, index.lexicons.norms, 'النفط', 1, 1, DEFAULT_RANK_PARAMS.normWeight);
    const d2 = expected(index, 2, index.lexicons.stems, 'نفط', 0, 3);
    expect(r.scores[0]).toBeCloseTo(d0, 9);
    expect(r.scores[1]).toBeCloseTo(d2, 9);
    expect(r.total).toBe(2);
  });

  it('sums the words of an any-word query and requires every word with mode=all', () => {
    const any = rank(query([word('نفط'), word('سعر')]));
    expect(new Set(any.docs)).toEqual(new Set([0, 1, 2]));
    expect(any.scores).toEqual([...any.scores].sort((a, b) => b - a));
    expect(any.scores[any.docs.indexOf(0)]).toBeCloseTo(expected(index, 0, index.lexicons.stems, 'نفط', 1, 1) + expected(index, 0, index.lexicons.stems, 'سعر', 1, 2), 9);
    expect(rank(query([word('نفط'), word('سعر')]), { all: true }).docs).toEqual([0]);
    // a word the index does not hold: nothing has every word
    expect(rank(query([word('نفط'), word('ماس')]), { all: true }).total).toBe(0);
  });

  it('leaves out documents holding an excluded stem', () => {
    expect(rank(query([word('نفط')], { excluded: ['سعر'] })).docs).toEqual([2]);
  });

  it('filters by date and source; source counts ignore the source filter', () => {
    const r = rank(query([word('نفط'), word('سعر')]), { filters: { source: 1, fromDay: 16_655 } });
    expect(r.docs).toEqual([]);
    expect([...r.sourceCounts]).toEqual([0, 0, 1]);
    const dated = rank(query([word('نفط'), word('سعر')]), { filters: { toDay: 16_655 } });
    expect(dated.docs).toEqual([0]);
    const bySource = rank(query([word('نفط'), word('سعر')]), { filters: { source: 1 } });
    expect(new Set(bySource.docs)).toEqual(new Set([0, 2]));
    expect([...bySource.sourceCounts]).toEqual([0, 2, 1]);
  });

  it('keeps the k best, ties broken by document order, and counts all', () => {
    const tied = handBuilt([0, 1, 2, 3, 4].map(() => ({ stems: { نفط: [0, 1] }, titleLength: 1, textLength: 10 })));
    const r = new Ranker(tied).rank({ query: query([word('نفط')]), all: false, filters: {}, k: 3 });
    expect(r.docs).toEqual([0, 1, 2]);
    expect(r.total).toBe(5);
  });

  it('requires phrase words even in any-word mode, and asks the verifier about each candidate', () => {
    const asked: number[] = [];
    const r = ranker.rank({
      query: query([word('نفط'), word('سعر'), word('قمح')], { phrases: [{ text: 'النفط سعر', words: [{ stem: 'نفط', offset: 0 }, { stem: 'سعر', offset: 1 }] }] }),
      all: false,
      filters: {},
      k: 10,
      verify: (doc) => (asked.push(doc), true),
    });
    expect(r.docs).toEqual([0]);
    expect(asked).toEqual([0]);
  });

  it('completes a prefix with the most frequent surface forms', () => {
    // surface forms, not stems: النفط does not start with نف
    expect(rank(query([], { prefixes: ['نف'] })).docs).toEqual([2]);
    expect(rank(query([], { prefixes: ['ال'] })).docs).toEqual([0]);
    expect(rank(query([], { prefixes: ['نفو'] })).total).toBe(0);
  });

  it('scores and requires the 32nd word and beyond like the first', () => {
    const letters = 'ابتثجحخدذرزسشصضطظعغفقكلمنهوي';
    const stems = Array.from({ length: 40 }, (_, i) => `${letters[i % 28]}${letters[(i * 7) % 28]}${letters[Math.floor(i / 28)]}`);
    const all = Object.fromEntries(stems.map((s) => [s, [0, 1] as [number, number]]));
    const allButLast = Object.fromEntries(stems.slice(0, -1).map((s) => [s, [0, 1] as [number, number]]));
    const many = handBuilt([
      { stems: allButLast, titleLength: 1, textLength: 40 },
      { stems: all, titleLength: 1, textLength: 40 },
    ]);
    const q = query(stems.map((s) => word(s)));
    const r = new Ranker(many);
    expect(r.rank({ query: q, all: true, filters: {}, k: 10 }).docs).toEqual([1]);
    const any = r.rank({ query: q, all: false, filters: {}, k: 10 });
    expect(any.docs).toEqual([1, 0]);
    expect(any.scores[0]).toBeGreaterThan(any.scores[1]);
  });
});

describe('counting matches by source and by day', () => {
  // Document d: source 1 + d % sources, dated day 16,000 + d % days; every one holds نفط, every third (from 0) سعر.
  const corpus = (n: number, sources: number, days: number) =>
    handBuilt(
      Array.from({ length: n }, (_, d): HandDoc => ({ stems: d % 3 ? { نفط: [0, 1] } : { نفط: [0, 1], سعر: [1, 2] }, titleLength: 2, textLength: 10 + (d % 7), source: 1 + (d % sources), date: 16_000 + (d % days) })),
      ['', ...Array.from({ length: sources }, (_, i) => `مصدر ${i + 1}`)],
    );

  /** What the counts must be, computed document by document. */
  function counted(index: HandIndex, ranker: Ranker, docs: number[], source?: number) {
    const { days, dayOf } = ranker.days();
    const perSource = new Array<number>(index.sources.length).fill(0);
    const perDay = new Array<number>(days.length).fill(0);
    for (const d of docs) {
      perSource[index.arrays.source[d]]++;
      if (source === undefined || index.arrays.source[d] === source) perDay[dayOf[d]]++;
    }
    return { perSource, perDay };
  }

  // 3 × 5 cells take one table per query; 80 × 60 are too many for it and are counted in two arrays.
  for (const [sources, days] of [
    [3, 5],
    [80, 60],
  ]) {
    it(`counts exactly with ${sources} sources and ${days} days, with and without a source filter`, () => {
      const index = corpus(600, sources, days);
      const ranker = new Ranker(index);
      const every = Array.from({ length: 600 }, (_, d) => d);
      const withPrice = every.filter((d) => d % 3 === 0);
      for (const [q, docs] of [
        [query([word('نفط')]), every],
        [query([word('سعر')]), withPrice],
      ] as const) {
        for (const source of [undefined, 2]) {
          const r = ranker.rank({ query: q, all: false, filters: source === undefined ? {} : { source }, k: 5, countDays: true });
          const want = counted(index, ranker, docs, source);
          expect([...r.sourceCounts]).toEqual(want.perSource);
          expect([...r.dayCounts!]).toEqual(want.perDay);
          expect(r.total).toBe(source === undefined ? docs.length : want.perSource[source]);
          expect(r.docs).toHaveLength(Math.min(5, r.total));
          if (source !== undefined) for (const d of r.docs) expect(index.arrays.source[d]).toBe(source);
        }
      }
    });
  }

  it('keeps the newest k first whatever order the documents come in', () => {
    const index = corpus(300, 4, 50);
    const r = new Ranker(index).rank({ query: query([word('نفط')]), all: false, filters: {}, k: 4, sort: 'newest' });
    // Days 16,049 (documents 49, 99, …, 299) are the latest; among them the best scores first, then document order.
    expect(r.docs.every((d) => index.arrays.date[d] === 16_049)).toBe(true);
    for (let i = 1; i < r.docs.length; i++) expect(r.scores[i - 1] > r.scores[i] || (r.scores[i - 1] === r.scores[i] && r.docs[i - 1] < r.docs[i])).toBe(true);
  });

  it('leaves no score behind when a query stops half-way', () => {
    const index = corpus(60, 3, 5);
    const ranker = new Ranker(index);
    const q = query([word('نفط'), word('سعر')], { phrases: [{ text: 'نفط سعر', words: [{ stem: 'نفط', offset: 0 }, { stem: 'سعر', offset: 1 }] }] });
    expect(() =>
      ranker.rank({
        query: q,
        all: false,
        filters: {},
        k: 10,
        verify: () => {
          throw new Error('positions unreadable');
        },
      }),
    ).toThrow('positions unreadable');
    const again = ranker.rank({ query: q, all: false, filters: {}, k: 10, verify: () => true });
    const fresh = new Ranker(index).rank({ query: q, all: false, filters: {}, k: 10, verify: () => true });
    expect(again.scores).toEqual(fresh.scores);
    expect(again.docs).toEqual(fresh.docs);
    expect(again.total).toBe(20);
  });
});

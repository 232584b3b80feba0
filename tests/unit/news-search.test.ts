/**
 * The search core on real news: 7,000 SaudiNewsNet articles read from the
 * shared data at test time. Suggestions that go with the words typed before
 * the last, did-you-mean and correction of misspelled words, sorting by date,
 * the date facet, and near-duplicates (one wire story printed by several
 * papers) folded into one hit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLAPSE_MAX_CANDIDATES } from '../../src/common/limits.js';
import { fingerprint, nearDuplicates } from '../../src/search/collapse.js';
import { parseDate } from '../../src/index/dates.js';
import { openIndex, type Searcher } from '../../src/search/searcher.js';
import type { Hit } from '../../src/search/types.js';
import { buildNewsIndex, type TempIndex } from '../helpers/server.js';

let idx: TempIndex;
let news: Searcher;

beforeAll(async () => {
  idx = await buildNewsIndex();
  news = await openIndex(idx.index);
}, 60_000);

afterAll(() => {
  news?.close();
  idx?.cleanup();
});

const OIL_STORY = 'هبوط أسعار النفط في بداية التعاملات الآسيوية';
const dayOf = (h: Hit) => parseDate(h.metadata.date);

describe('suggestions', () => {
  it('complete the last word among the documents matching the words before it, counted for the whole query', () => {
    const s = news.suggest('أسعار النف');
    expect(s[0].query).toBe('أسعار النفط');
    expect(s.length).toBeGreaterThan(3);
    for (const x of s) {
      expect(x.query.startsWith('أسعار ')).toBe(true);
      expect(x.count).toBeGreaterThan(0);
      expect(x.count).toBe(news.search(x.query, { mode: 'all', limit: 0 }).total);
    }
    // Without the first word, the most frequent completion is another one: the words before it decide.
    expect(news.suggest('النف')[0].term).not.toBe('النفط');
  });

  it('count a one-word completion as a search for it finds', () => {
    for (const x of news.suggest('الاقتص')) expect(x.count).toBe(news.search(x.query, { limit: 0 }).total);
  });

  it('offer one form per stem, and nothing when the words before match nothing or the input ends in a space', () => {
    const stems = news.suggest('الاقتصاد السع').map((x) => news.analyzer.analyze(x.term)[0].stem);
    expect(new Set(stems).size).toBe(stems.length);
    expect(news.suggest('الاقتصاد السع').slice(0, 3).map((x) => x.term)).toContain('السعودية');
    expect(news.suggest('قزحزحقز النف')).toEqual([]);
    expect(news.suggest('أسعار النفط ')).toEqual([]);
  });
});

describe('misspelled words', () => {
  it('a word that matches nothing: offered as a did-you-mean, answered for the correction when asked', () => {
    const literal = news.search('الاقتصاد السعوودي');
    expect(literal.didYouMean).toBe('الاقتصاد السعودي');
    expect(literal.correction).toBeUndefined();
    expect(literal.total).toBe(news.search('الاقتصاد').total);

    const corrected = news.search('الاقتصاد السعوودي', { correct: true });
    expect(corrected.correction).toEqual({ query: 'الاقتصاد السعودي', original: 'الاقتصاد السعوودي' });
    expect(corrected.didYouMean).toBeUndefined();
    const meant = news.search('الاقتصاد السعودي');
    expect(corrected.total).toBe(meant.total);
    expect(corrected.hits.map((h) => h.id)).toEqual(meant.hits.map((h) => h.id));
  });

  it('a word far rarer than a common near spelling is offered, not corrected (it matches a document)', () => {
    const r = news.search('النبي ابرهيم', { correct: true });
    expect(r.didYouMean).toBe('النبي إبراهيم');
    expect(r.correction).toBeUndefined();
    expect(news.search('إبراهيم', { limit: 0 }).total).toBeGreaterThan(100 * news.search('ابرهيم', { limit: 0 }).total);
  });

  it('is not corrected when two common words are as near, nor when the word is short', () => {
    const r = news.search('النفظ', { correct: true });
    expect(r.correction).toBeUndefined();
    expect(r.didYouMean).toBeDefined();
    expect(news.search('اسعر النفط', { correct: true }).correction).toBeUndefined();
  });

  it('correctly spelled queries, and runs without snippets (evaluation), are left alone', () => {
    expect(news.search('أسعار النفط', { correct: true }).didYouMean).toBeUndefined();
    expect(news.search('أسعار النفط', { correct: true }).correction).toBeUndefined();
    const run = news.search('الاقتصاد السعوودي', { snippets: false });
    expect(run.didYouMean).toBeUndefined();
    expect(run.correction).toBeUndefined();
  });
});

describe('dates', () => {
  it('newest first: latest day first, each day best first, and the same documents counted', () => {
    const byScore = news.search('أسعار النفط', { limit: 50 });
    const newest = news.search('أسعار النفط', { limit: 50, sort: 'newest' });
    expect(newest.total).toBe(byScore.total);
    for (let i = 1; i < newest.hits.length; i++) {
      const [a, b] = [newest.hits[i - 1], newest.hits[i]];
      expect(dayOf(a)!).toBeGreaterThanOrEqual(dayOf(b)!);
      if (dayOf(a) === dayOf(b)) expect(a.score).toBeGreaterThanOrEqual(b.score);
    }
    expect(dayOf(newest.hits[0])).toBe(Math.max(...Object.keys(byScore.facets.date.counts).map((d) => parseDate(d)!)));
  });

  it('the date facet counts the answer by day, every filter applied, and narrowing to a day keeps its count', () => {
    const r = news.search('النفط');
    const counts = r.facets.date.counts;
    expect(r.facets.date.granularity).toBe('day');
    expect(Object.values(counts).reduce((a, b) => a + b, 0) + r.facets.date.undated).toBe(r.total);
    const [day, n] = Object.entries(counts)[1];
    const narrowed = news.search('النفط', { filters: { from: day, to: day } });
    expect(narrowed.total).toBe(n);
    expect(Object.keys(narrowed.facets.date.counts)).toEqual([day]);
    for (const h of narrowed.hits) expect(String(h.metadata.date).slice(0, 10)).toBe(day);
  });
});

describe('near-duplicates', () => {
  it('fold the same wire story from two papers into one hit, which names the other', () => {
    const plain = news.search(OIL_STORY);
    const copies = plain.hits.filter((h) => h.title === OIL_STORY);
    expect(copies.map((h) => h.metadata.source).sort()).toEqual(['3alyoum', 'alweeam']);

    const folded = news.search(OIL_STORY, { collapse: true });
    expect(folded.total).toBe(plain.total);
    const hit = folded.hits.find((h) => h.title === OIL_STORY)!;
    const other = copies.find((h) => h.id !== hit.id)!;
    expect(hit.duplicates).toEqual([{ id: other.id, source: other.metadata.source, date: String(other.metadata.date).slice(0, 10) }]);
    expect(folded.hits.filter((h) => h.title === OIL_STORY)).toHaveLength(1);
    expect(folded.collapse!.folded).toBe(folded.hits.reduce((a, h) => a + (h.duplicates?.length ?? 0), 0));
    expect(folded.hits.map((h) => h.id)).not.toContain(other.id);
  });

  it('pages of folded hits follow each other without repeating a document', () => {
    const seen = new Set<string>();
    for (const offset of [0, 10, 20]) {
      const r = news.search('مكة المكرمة', { collapse: true, offset, limit: 10 });
      expect(r.hits).toHaveLength(10);
      for (const h of r.hits) for (const id of [h.id, ...(h.duplicates ?? []).map((d) => d.id)]) {
        expect(seen.has(id), id).toBe(false);
        seen.add(id);
      }
    }
  });

  it('past the matches folding examines, a deep page lists the rest as they rank', () => {
    const q = 'السعودية اليوم';
    const total = news.search(q, { limit: 0 }).total;
    expect(total).toBeGreaterThan(COLLAPSE_MAX_CANDIDATES + 100);
    const deep = news.search(q, { collapse: true, offset: COLLAPSE_MAX_CANDIDATES - 5, limit: 10 });
    expect(deep.hits).toHaveLength(10);
    expect(deep.collapse!.groups).toBeUndefined();
    const plain = news.search(q, { offset: COLLAPSE_MAX_CANDIDATES, limit: 100, snippets: false }).hits.map((h) => h.id);
    // The last hits come from past the examined matches, in rank order.
    const tail = deep.hits.filter((h) => plain.includes(h.id)).map((h) => h.id);
    expect(tail.length).toBeGreaterThan(0);
    expect(tail).toEqual(plain.filter((id) => tail.includes(id)));
  });

  it('are recognized through a dateline one paper adds, not through a shared title alone', () => {
    const text = 'هبطت أسعار النفط في بداية التعاملات الآسيوية، اليوم الاثنين، مع اقتراب إيران والدول الست الكبرى من إبرام اتفاق نووي، ولكن ارتفاع حجم واردات الصين من النفط الخام حال دون هبوط الأسعار بشكل أكبر';
    const a = fingerprint(news.analyzer, { title: OIL_STORY, text });
    const b = fingerprint(news.analyzer, { title: `${OIL_STORY}.`, text: `عين اليوم – سنغافورة\n${text}` });
    expect(nearDuplicates(a, b)).toBe(true);
    const other = fingerprint(news.analyzer, { title: OIL_STORY, text: 'ارتفعت أسعار الذهب في الأسواق الأوروبية مع تراجع الدولار أمام العملات الرئيسية وتزايد الطلب على الملاذات الآمنة' });
    expect(nearDuplicates(a, other)).toBe(false);
    expect(nearDuplicates(a, fingerprint(news.analyzer, { title: 'أسعار النفط', text }))).toBe(false);
  });
});

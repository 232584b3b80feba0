import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../../src/index/build.js';
import { normalize } from '../../src/analysis/normalize.js';
import { tokenize } from '../../src/analysis/tokenize.js';
import { openIndex, type Searcher } from '../../src/search/searcher.js';
import { NO_SOURCE, type Hit, type SearchOptions, type Span } from '../../src/search/types.js';
import { apiHighlightedDocument, apiHit } from '../../src/server/api-json.js';

const SEEDS = new URL('../../seeds', import.meta.url).pathname;
const NEWS = new URL('../fixtures/news.jsonl', import.meta.url).pathname;
const SEED_ID = '000_007ff8f57a8682c6';
const SEED_TEXT = readFileSync(new URL('../../seeds/000_007ff8f57a8682c6.txt', import.meta.url), 'utf8');

let tmp: string;
let seed: Searcher;
let news: Searcher;
let small: Searcher;

/** Documents whose ranking and suggestions are controlled word by word. */
const SMALL = [
  // the stem-only document comes first so that document order cannot explain the exact one winning
  { id: 'stem-only', title: 'خبر محلي', text: 'افتتحت مدرسة جديدة في المدينة اليوم' },
  { id: 'exact', title: 'خبر محلي', text: 'افتتحت المدرسة جديدة في المدينة اليوم' },
  // word forms starting with الطا: الطاقة in 4 documents, الطالب in 3, الطائرة in 1
  { id: 's1', title: 'الطاقة', text: 'الطاقة الطالب الطائرة' },
  { id: 's2', title: 'الطاقة', text: 'الطاقة الطالب' },
  { id: 's3', title: 'الطاقة', text: 'الطالب يقرأ عن الطاقة' },
  { id: 's4', title: 'تقرير', text: 'الطاقة المتجددة' },
];

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'fahras-search-test-'));
  writeFileSync(join(tmp, 'small.json'), JSON.stringify(SMALL));
  await Promise.all([
    buildIndex({ input: SEEDS, out: join(tmp, 'seed') }),
    buildIndex({ input: NEWS, out: join(tmp, 'news') }),
    buildIndex({ input: join(tmp, 'small.json'), out: join(tmp, 'small') }),
  ]);
  seed = await openIndex(join(tmp, 'seed'));
  news = await openIndex(join(tmp, 'news'));
  small = await openIndex(join(tmp, 'small'));
});

afterAll(() => {
  for (const s of [seed, news, small]) s?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const ids = (s: Searcher, q: string, opts: SearchOptions = {}): string[] => s.search(q, { limit: 100, ...opts }).hits.map((h) => h.id);
const idSet = (s: Searcher, q: string, opts: SearchOptions = {}): Set<string> => new Set(ids(s, q, opts));
const marked = (html: string): string[] => [...html.matchAll(/<mark>(.*?)<\/mark>/g)].map((m) => m[1]);
/** The highlighted HTML of a hit or a document, exactly as the API sends it. */
const html = (h: Hit) => apiHit(h);
const docHtml = (s: Searcher, id: string, q?: string) => apiHighlightedDocument(s.highlightDocument(id, q)!);
/** The words a snippet marks, in order. */
const snippetWords = (h: Hit): string[] => h.snippet.fragments.flatMap((f) => f.highlights.map(([a, b]) => f.text.slice(a, b)));
const unescape = (html: string): string =>
  html.replace(/<\/?mark>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

/** Each span is one whole word of `text` (never a bare article, never a piece of a word). */
function expectWholeWords(text: string, spans: readonly Span[]): void {
  const words = new Map(tokenize(text).map((t) => [`${t.start}:${t.end}`, t.surface]));
  for (const [s, e] of spans) {
    expect(words.get(`${s}:${e}`), `"${text.slice(s, e)}" at ${s}:${e}`).toBe(text.slice(s, e));
    expect(normalize(text.slice(s, e))).not.toBe('ال');
  }
}

function expectConsistentHit(s: Searcher, h: Hit): void {
  const d = s.getDocument(h.id)!;
  expect(h.title).toBe(d.title);
  expect(unescape(html(h).titleHighlighted)).toBe(d.title);
  expect(marked(html(h).titleHighlighted)).toEqual(h.highlights.title.map(([a, b]) => d.title.slice(a, b)));
  expectWholeWords(d.title, h.highlights.title);
  expectWholeWords(d.text, h.highlights.text);
  // everything the snippet marks is a highlighted word of the text
  const textWords = new Set(h.highlights.text.map(([a, b]) => d.text.slice(a, b)));
  for (const m of marked(html(h).snippet)) expect(textWords.has(unescape(m)), m).toBe(true);
  // each fragment is the text where it says it starts, and its marks are matches of the whole text
  const all = new Set(h.highlights.text.map(([a, b]) => `${a}:${b}`));
  for (const f of h.snippet.fragments) {
    expect(d.text.slice(f.start, f.start + f.text.length)).toBe(f.text);
    for (const [a, b] of f.highlights) expect(all.has(`${f.start + a}:${f.start + b}`), `${f.text.slice(a, b)} at ${f.start + a}`).toBe(true);
  }
}

describe('the seed article is findable by every form', () => {
  it.each([
    ['الارهاب', 'without hamza'],
    ['إرهاب', 'without article'],
    ['والإرهاب', 'with conjunction and article'],
    ['الإرهابِ', 'with a kasra'],
    ['الطاقـــة', 'with tatweel'],
    ['٢٠٢٤', 'in Arabic-Indic digits'],
    ['اوبك', 'without hamza (أوبك in the text)'],
    ['کبریات', 'typed on a Persian keyboard'],
    ['بغداد', 'a protected name'],
    ['واشنطن', 'a protected name'],
    ['"جنرال إلكتريك"', 'as a phrase'],
    ['2008', 'in ASCII digits'],
  ])('%s (%s)', (q) => {
    const r = seed.search(q);
    expect(r.total).toBe(1);
    expect(r.hits[0].id).toBe(SEED_ID);
    expect(html(r.hits[0]).snippet).toContain('<mark>');
    expect(snippetWords(r.hits[0]).length).toBeGreaterThan(0);
    expectConsistentHit(seed, r.hits[0]);
  });

  it('is not found by words it does not hold', () => {
    expect(seed.search('البطريق الجليدي').total).toBe(0);
    expect(seed.search('"الإرهاب واشنطن"').total).toBe(0);
  });
});

describe('query syntax', () => {
  it('mode any ranks documents with any word; mode all needs every word', () => {
    const any = idSet(news, 'الأمن الغذائي');
    for (const id of ['n2', 'n3', 'n4']) expect(any.has(id), id).toBe(true);
    for (const id of ['n1', 'n6', 'n7']) expect(any.has(id), id).toBe(false);
    expect(idSet(news, 'الأمن الغذائي', { mode: 'all' })).toEqual(new Set(['n2', 'n3']));
    expect(ids(news, 'الأمن الغذائي')[0]).toBe('n2');
    expect(news.search('الأمن القمح', { mode: 'all' }).total).toBe(1);
    expect(news.search('الأمن كوكب', { mode: 'all' }).total).toBe(0);
  });

  it('an "exact phrase" needs its words side by side', () => {
    // n2 has الأمن الغذائي adjacent; n3 has both words far apart
    expect(ids(news, '"الأمن الغذائي"')).toEqual(['n2']);
    expect(ids(news, '"الغذائي الأمن"')).toEqual([]);
    expect(ids(news, '"خفض إنتاج النفط"')).toEqual(['n1']);
    // a phrase matches other forms of its words, in order
    expect(ids(news, '"والأمن الغذائي"')).toEqual(['n2']);
    // a phrase plus a plain word
    expect(idSet(news, '"الأمن الغذائي" الحدود')).toEqual(new Set(['n2']));
  });

  it('-word excludes documents holding the word (any form)', () => {
    expect(idSet(news, 'الأمن -الحدود')).toEqual(new Set(['n2', 'n4']));
    expect(idSet(news, 'الأمن -والحدود')).toEqual(new Set(['n2', 'n4']));
    expect(idSet(news, 'الأمن -القاهرة -الهجوم')).toEqual(new Set(['n3']));
  });

  it('prefix* matches word forms that start with the prefix', () => {
    expect(ids(news, 'الاستث*')).toEqual(['n5']);
    expect(news.search('الاستث').total).toBe(0);
    const r = news.search('الاستث*');
    expect(snippetWords(r.hits[0])).toEqual(['الاستثمار', 'الاستثمارات']);
    expect(idSet(news, 'أوب*')).toEqual(new Set(['n1']));
  });

  it('filters by source, and facets count every matching source regardless of that filter', () => {
    const all = news.search('الطاقة');
    expect(new Set(all.hits.map((h) => h.id))).toEqual(new Set(['n1', 'n5']));
    expect(all.facets.source).toEqual({ aljazeera: 1, reuters: 1 });
    const reuters = news.search('الطاقة', { filters: { source: 'reuters' } });
    expect(reuters.total).toBe(1);
    expect(reuters.hits.map((h) => h.id)).toEqual(['n5']);
    expect(reuters.facets.source).toEqual({ aljazeera: 1, reuters: 1 });
    expect(news.search('الطاقة', { filters: { source: 'nobody' } }).total).toBe(0);
    expect(news.search('الطاقة', { filters: { source: 'nobody' } }).hits).toEqual([]);
  });

  it('facets name documents without a source NO_SOURCE (the empty string), and filter by it', () => {
    expect(news.search('الإرهاب').facets.source).toEqual({ [NO_SOURCE]: 1 });
    expect(news.search('الإرهاب', { filters: { source: NO_SOURCE } }).total).toBe(1);
    expect(news.search('الأمن', { filters: { source: NO_SOURCE } }).total).toBe(0);
    expect(news.search('الأمن').facets.source).toEqual({ bbc: 1, aljazeera: 1, reuters: 1 });
  });

  it('filters by an inclusive date range', () => {
    expect(idSet(news, 'الطاقة', { filters: { from: '2024-01-01', to: '2024-12-31' } })).toEqual(new Set(['n1', 'n5']));
    expect(idSet(news, 'الطاقة', { filters: { from: '2024-03-06' } })).toEqual(new Set(['n5']));
    expect(idSet(news, 'الطاقة', { filters: { from: '2024-03-05', to: '2024-03-05' } })).toEqual(new Set(['n1']));
    expect(idSet(news, 'الطاقة', { filters: { to: '2024-03-04' } })).toEqual(new Set());
    expect(idSet(news, 'الأمن', { filters: { from: '2023-06-14', to: '2023-11-20' } })).toEqual(new Set(['n2', 'n3']));
    expect(news.search('الأمن', { filters: { source: 'aljazeera', from: '2024-01-01' } }).total).toBe(0);
  });

  it('pages with offset and limit over a stable total', () => {
    const everything = ids(news, 'ال*');
    expect(everything.length).toBeGreaterThanOrEqual(7);
    const total = news.search('ال*').total;
    expect(total).toBe(everything.length);
    const paged: string[] = [];
    for (let offset = 0; offset < total; offset += 3) {
      const r = news.search('ال*', { offset, limit: 3 });
      expect(r.total).toBe(total);
      expect(r.hits.length).toBe(Math.min(3, total - offset));
      paged.push(...r.hits.map((h) => h.id));
    }
    expect(paged).toEqual(everything);
    expect(news.search('ال*', { offset: total, limit: 3 }).hits).toEqual([]);
  });

  it('a query of stop words, marks or punctuation finds nothing and does not fail', () => {
    for (const q of ['في', 'من أين', '، ؛ ؟', 'ـــ', '"', '-', '*', '""', '']) {
      const r = news.search(q);
      expect(r.total, q).toBe(0);
      expect(r.hits).toEqual([]);
    }
  });

  it('scores are positive and hits come best first', () => {
    const r = news.search('الأمن الغذائي القاهرة');
    expect(r.hits.length).toBeGreaterThan(1);
    for (const h of r.hits) expect(h.score).toBeGreaterThan(0);
    for (let i = 1; i < r.hits.length; i++) expect(r.hits[i - 1].score).toBeGreaterThanOrEqual(r.hits[i].score);
  });

  it('snippets: false skips the document reads', () => {
    const r = news.search('الأمن', { snippets: false });
    expect(r.total).toBe(3);
    for (const h of r.hits) expect([h.title, h.snippet]).toEqual(['', { fragments: [], before: false, after: false }]);
  });
});

describe('highlighting', () => {
  it('marks the whole original token والولايات for the query الولايات', () => {
    const r = seed.search('الولايات');
    expect(snippetWords(r.hits[0])).toContain('والولايات');
    const d = seed.highlightDocument(SEED_ID, 'الولايات')!;
    const words = d.highlights.text.map(([a, b]) => d.document.text.slice(a, b));
    expect(words).toContain('والولايات');
    expect(words).toContain('الولايات');
    expect(docHtml(seed, SEED_ID, 'الولايات').textHighlighted).not.toContain('و<mark>');
    expectWholeWords(d.document.text, d.highlights.text);
  });

  it('marks a word as written, diacritics and hamza included', () => {
    const r = news.search('الامن');
    const n4 = r.hits.find((h) => h.id === 'n4')!;
    expect(snippetWords(n4)).toEqual(['الأَمْن']);
    const d = news.getDocument('n4')!;
    expect(n4.highlights.text.map(([a, b]) => d.text.slice(a, b))).toEqual(['الأَمْن']);
    expect(marked(docHtml(seed, SEED_ID, 'دشن').textHighlighted)).toEqual(['دشَّن']);
    const energy = marked(docHtml(seed, SEED_ID, 'الطاقـــة').textHighlighted);
    expect(energy).toEqual(Array((SEED_TEXT.match(/الطاقة/g) ?? []).length).fill('الطاقة'));
  });

  it('never marks a bare article or part of a word', () => {
    for (const q of ['ال', 'ال*', 'الإرهاب', 'الولايات', 'الأمن', 'العراق الطاقة', 'و']) {
      for (const h of [...seed.search(q).hits, ...news.search(q).hits]) {
        for (const m of [...marked(html(h).snippet), ...marked(html(h).titleHighlighted)]) {
          expect(normalize(unescape(m))).not.toBe('ال');
          expect(tokenize(unescape(m)).map((t) => t.surface)).toEqual([unescape(m)]);
        }
      }
    }
  });

  it('title highlights and their offsets agree; text offsets slice whole words', () => {
    for (const [s, q] of [
      [news, 'الأمن الغذائي'],
      [news, 'الطاقة أوبك'],
      [news, 'مدرسة الموصل'],
      [seed, 'العراق الإرهاب التعاون'],
    ] as const) {
      const r = s.search(q);
      expect(r.hits.length).toBeGreaterThan(0);
      for (const h of r.hits) expectConsistentHit(s, h);
    }
    const h = news.search('أوبك').hits[0];
    expect(html(h).titleHighlighted).toBe('وزراء الطاقة في <mark>أوبك</mark> يبحثون خفض الإنتاج');
    expect(h.highlights.title).toEqual([[16, 20]]);
  });

  it('escapes HTML from documents; the only markup is <mark>', () => {
    const h = news.search('هدف').hits[0];
    expect(h.id).toBe('n6');
    // The search core returns the text as it is; the API's HTML escapes it.
    expect(h.snippet.fragments.map((f) => f.text).join(' ')).toContain('<b>هدف</b>');
    expect(html(h).snippet).toContain('&lt;b&gt;<mark>هدف</mark>&lt;/b&gt;');
    expect(html(h).snippet).toContain('&amp;');
    expect(html(h).snippet.replace(/<\/?mark>/g, '')).not.toMatch(/[<>]/);
  });

  it('a snippet has at most 3 fragments joined by " … "', () => {
    expect(SEED_TEXT).not.toContain('…');
    const r = seed.search('بغداد واشنطن الإرهاب الطاقة داعش أوبك البيشمركة الاستثمار');
    const s = r.hits[0].snippet;
    expect(s.fragments.length).toBeGreaterThan(1);
    expect(s.fragments.length).toBeLessThanOrEqual(3);
    for (let i = 1; i < s.fragments.length; i++) expect(s.fragments[i].start).toBeGreaterThan(s.fragments[i - 1].start + s.fragments[i - 1].text.length);
    const body = html(r.hits[0]).snippet.replace(/^… /, '').replace(/ …$/, '');
    expect(html(r.hits[0]).snippet.startsWith('… ')).toBe(s.before);
    expect(html(r.hits[0]).snippet.endsWith(' …')).toBe(s.after);
    const fragments = body.split(' … ');
    expect(fragments.length).toBe(s.fragments.length);
    for (const f of fragments) expect(SEED_TEXT).toContain(unescape(f));
  });

  it('highlightDocument marks every match of the whole document', () => {
    const d = seed.highlightDocument(SEED_ID, 'بغداد')!;
    expect(marked(docHtml(seed, SEED_ID, 'بغداد').textHighlighted).length).toBe((SEED_TEXT.split('\n').slice(1).join('\n').match(/بغداد/g) ?? []).length);
    expect(d.highlights.text.map(([a, b]) => d.document.text.slice(a, b)).every((w) => w.includes('بغداد'))).toBe(true);
    expect(unescape(docHtml(seed, SEED_ID, 'بغداد').textHighlighted)).toBe(d.document.text);
    expect(seed.highlightDocument('nope', 'بغداد')).toBeUndefined();
    expect(seed.highlightDocument(SEED_ID)!.highlights).toEqual({ title: [], text: [] });
  });
});

describe('ranking', () => {
  it('an exact surface match outranks a stem-only match', () => {
    const a = ids(small, 'المدرسة');
    expect(a.slice(0, 2)).toEqual(['exact', 'stem-only']);
    const b = ids(small, 'مدرسة');
    expect(b.slice(0, 2)).toEqual(['stem-only', 'exact']);
  });

  it('a title match counts: the document titled with the word ranks above one that only mentions it', () => {
    const r = news.search('أوبك الطاقة');
    expect(r.hits[0].id).toBe('n1');
  });
});

describe('did you mean', () => {
  it('suggests a spelling with matches for a misspelled query', () => {
    const r = seed.search('الارهب');
    expect(r.total).toBe(0);
    expect(r.didYouMean).toBeDefined();
    expect(normalize(r.didYouMean!)).toMatch(/ارهاب/);
    expect(seed.search(r.didYouMean!).hits[0].id).toBe(SEED_ID);
  });

  it('keeps the words that matched and fixes the one that did not', () => {
    const r = seed.search('بغداد الارهب', { mode: 'all' });
    expect(r.total).toBe(0);
    expect(r.didYouMean).toBeDefined();
    expect(r.didYouMean!.split(' ')).toHaveLength(2);
    expect(r.didYouMean).toContain('بغداد');
  });

  it('offers nothing when the query has matches or nothing is near', () => {
    expect(seed.search('الإرهاب').didYouMean).toBeUndefined();
    expect(seed.search('زخرفقثص').didYouMean).toBeUndefined();
  });
});

describe('suggest', () => {
  it('completes a prefix with word forms, most frequent first, spelled as readers write them', () => {
    const s = small.suggest('الطا');
    expect(s.map((x) => x.term)).toEqual(['الطاقة', 'الطالب', 'الطائرة']);
    expect(s.map((x) => x.count)).toEqual([4, 3, 1]);
    expect(s[0].query).toBe('الطاقة');
  });

  it('completes the last word and keeps the words before it', () => {
    const s = small.suggest('تقرير عن الطا');
    expect(s[0].query).toBe('تقرير عن الطاقة');
    expect(small.suggest('الطا ')).toEqual([]);
    expect(small.suggest('')).toEqual([]);
    expect(small.suggest('الطا', 1)).toHaveLength(1);
  });

  it('normalizes the prefix and returns at most 10, counts never increasing', () => {
    const s = seed.suggest('الإ');
    expect(s.length).toBeGreaterThan(0);
    expect(s.length).toBeLessThanOrEqual(10);
    for (const x of s) expect(normalize(x.term).startsWith('الا')).toBe(true);
    const all = seed.suggest('ال');
    expect(all).toHaveLength(10);
    for (let i = 1; i < all.length; i++) expect(all[i - 1].count).toBeGreaterThanOrEqual(all[i].count);
    expect(all[0].count).toBeGreaterThan(0);
  });
});

describe('documents and stats', () => {
  it('returns stored documents with their metadata', () => {
    expect(news.getDocument('n2')).toMatchObject({ id: 'n2', title: 'مؤتمر دولي حول الأمن الغذائي في القاهرة', metadata: { source: 'bbc', date: '2023-11-20' } });
    expect(news.getDocument('zzz')).toBeUndefined();
    const seedDoc = seed.getDocument(SEED_ID)!;
    expect(seedDoc.title).toBe(SEED_TEXT.split('\n')[0]);
  });

  it('reports index stats', () => {
    const st = news.stats();
    expect(st.documents).toBe(8);
    expect(st.terms).toBeGreaterThan(50);
    expect(st.bytes).toBeGreaterThan(0);
    expect(new Date(st.builtAt).getTime()).not.toBeNaN();
  });
});

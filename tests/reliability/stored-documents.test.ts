/**
 * Nothing a stored document contains can make an answer fail, and a huge one
 * cannot make answers huge or slow. Documents at every limit the loader
 * allows — metadata 16 levels deep, 1,000 entries, 64 KiB; a 4,000-character
 * title; a 4,000,000-character text — and documents full of Unicode oddities
 * are indexed by `fahras index` and served by `fahras serve`; every search,
 * document, page, fragments and suggestion request about them answers 200.
 * The 4,000,000-character text's snippets and highlights are bounded by the
 * snippet: a search with 31 prefixes answers a few kilobytes (it answered
 * 2.7 MB of spans), the document view marks at most 1,000 matches and says
 * there are more, and a match at the very end of the text is still shown.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCUMENT_MAX_HIGHLIGHTS, HIT_MAX_HIGHLIGHTS } from '../../src/common/limits.js';
import { DOCUMENT_LIMITS } from '../../src/ingest/document.js';
import { arabicText, cliIndex, cliServe, prng, type CliIndex } from './corpus.js';
import { requireBuilt, type ServeChild } from './helpers.js';

const rand = prng(20260412);
const enc = encodeURIComponent;
/** A word found only at the very end of the huge text. */
const LAST_WORD = 'زلزال';

/** Metadata nested `depth` levels deep (the metadata object itself is level 1). */
function nested(depth: number): Record<string, unknown> {
  let v: Record<string, unknown> = { قاع: 'العمق الأخير' };
  for (let d = depth - 1; d > 1; d--) v = { مستوى: d, تحت: v };
  return v;
}

const ODD = [
  'نص\u0000فيه NUL',
  'نص فيه نصف زوج \ud800 و\udfff وحيدين',
  '\u202eمعكوس\u202c و\u2066معزول\u2069 و\u200fاتجاه',
  'كلمة\u200dموصولة و\u200cمفصولة',
  'ا' + '\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652'.repeat(40) + ' حروف بحركات كثيرة',
  'غير حروف \ufffe\uffff وعلامة ترتيب \ufeff في الوسط',
  'رموز 👨‍👩‍👧‍👦 و𝕒𝕓𝕔 و\u{1F1F8}\u{1F1E6}',
  'سطر\u2028فاصل\u2029فقرة\r\nونهاية\ttab',
  '</script><!-- ]]> &amp; <b>وسم</b> "اقتباس" \'مفرد\'',
  'ﷺ ﷲ ﷽ ﻻ أشكال عرض',
  '\u001b[2J\u001b[31mأحمر\u009b31m\u0007',
].join(' . ');

interface Doc {
  id: string;
  title: string;
  text: string;
  [k: string]: unknown;
}

/** Each document carries a made-up word of its own (its marker), so a search finds it. */
function documents(): Doc[] {
  const L = DOCUMENT_LIMITS;
  const marker = (i: number) => `علامة${'ابتثجحخدذرزسشصضطظعغفقكلمنهوي'[i]}فريدة`;
  const docs: Doc[] = [];
  const add = (d: { id: string; title?: string; text?: string; [k: string]: unknown }) => {
    const m = marker(docs.length);
    docs.push({ title: `${m} ${arabicText(60, rand)}`, text: `${arabicText(400, rand)} ${m}`, ...d });
  };
  add({ id: 'deep', source: 'عمق', deep: nested(L.metadataDepth) });
  add({ id: 'wide', source: 'عرض', ...Object.fromEntries(Array.from({ length: L.metadataEntries - 1 }, (_, i) => [`حقل${i}`, i])) });
  add({ id: 'heavy', source: 'ثقل', notes: 'ث'.repeat(Math.floor((L.metadataBytes - 200) / 2)) });
  add({ id: 'long-title', title: `${marker(docs.length)} ${arabicText(L.titleLength - 20, rand)}` });
  add({ id: 'odd-text', text: `${ODD} ${marker(docs.length)} ${ODD}`, source: ODD.slice(0, 150) });
  add({ id: 'odd-title', title: `${marker(docs.length)} ${ODD}`.slice(0, L.titleLength), author: '\u001b]0;عنوان\u0007', url: 'javascript:alert(1)' });
  add({ id: 'odd-metadata', date: { year: 2015 }, source: 42, url: 'https://example.com/"><script>alert(1)</script>', author: ['أ', 'ب'], '': 'مفتاح فارغ', 'a.b': 1, toString: 'x', constructor: 'y', big: 2 ** 64, tiny: 5e-324, huge: 1e308 });
  add({ id: 'odd-dates', date: '2015-02-30', source: '' });
  add({ id: 'array-date', date: ['2015-08-01'], source: ['الرياض'] });
  const m = marker(docs.length);
  const tail = ` ${LAST_WORD} في آخر النص`;
  docs.push({ id: 'huge', title: `${m} وثيقة طويلة جدا`, text: arabicText(L.textLength - tail.length, rand).replaceAll(LAST_WORD, 'هزة') + tail, source: 'ضخم' });
  return docs;
}

let docs: Doc[];
let idx: CliIndex;
let srv: ServeChild;

beforeAll(async () => {
  requireBuilt();
  docs = documents();
  // __proto__ as a key of the record itself, as JSON text would have it.
  idx = await cliIndex([...docs, JSON.parse('{"id":"proto","title":"علامةprotoفريدة","text":"نص فيه مفتاح خاص علامةprotoفريدة","__proto__":{"source":"مخفي"}}')]);
  expect(idx.stderr).not.toMatch(/skipped/);
  srv = await cliServe(idx.index, { FAHRAS_CLIENT_CPU_MS: '0' });
}, 180_000);

afterAll(async () => {
  await srv?.stop();
  idx?.cleanup();
});

async function get(path: string): Promise<{ status: number; body: string }> {
  const r = await fetch(srv.url + path, { headers: { Accept: path.startsWith('/api') || path.startsWith('/fragments') ? 'application/json' : 'text/html' } });
  return { status: r.status, body: await r.text() };
}

describe('documents at the limits and full of oddities', () => {
  it('every search, document, page, fragments and suggestion request about each answers 200', async () => {
    const failures: string[] = [];
    const markerOf = (d: Doc) => d.title.split(' ')[0];
    for (const d of [...docs, { id: 'proto', title: 'علامةprotoفريدة', text: '' }]) {
      const m = markerOf(d);
      const paths = [
        `/api/search?q=${enc(m)}`,
        `/api/search?q=${enc(`${m} ال*`)}&limit=100`,
        `/api/search?q=${enc(`"${m}"`)}`,
        `/api/documents/${enc(d.id)}`,
        `/api/documents/${enc(d.id)}?q=${enc(m)}`,
        `/doc/${enc(d.id)}`,
        `/doc/${enc(d.id)}?q=${enc(m)}`,
        `/?q=${enc(m)}`,
        `/fragments?q=${enc(m)}`,
        `/api/suggest?q=${enc(m.slice(0, 6))}`,
      ];
      for (const path of paths) {
        const r = await get(path);
        if (r.status !== 200) failures.push(`${path} → ${r.status} ${r.body.slice(0, 200)}`);
        else if (path.startsWith('/api/') || path.startsWith('/fragments')) JSON.parse(r.body);
      }
      const found = JSON.parse((await get(`/api/search?q=${enc(m)}`)).body) as { hits: { id: string }[] };
      if (!found.hits.some((h) => h.id === d.id)) failures.push(`${d.id} is not found by its marker ${m}`);
    }
    for (const path of [`/api/search?q=${enc('ال*')}&limit=100`, `/?q=${enc('ال*')}`, `/fragments?q=${enc('"في ال"')}&page=1`, '/api/stats']) {
      const r = await get(path);
      if (r.status !== 200) failures.push(`${path} → ${r.status} ${r.body.slice(0, 200)}`);
    }
    expect(failures).toEqual([]);
  }, 180_000);

  it('a document gives back exactly what was stored: metadata at every depth, the oddities as they were', async () => {
    const deep = JSON.parse((await get('/api/documents/deep')).body) as { metadata: Record<string, unknown> };
    expect(deep.metadata.deep).toEqual(nested(DOCUMENT_LIMITS.metadataDepth));
    const wide = JSON.parse((await get('/api/documents/wide')).body) as { metadata: Record<string, unknown> };
    expect(Object.keys(wide.metadata)).toHaveLength(DOCUMENT_LIMITS.metadataEntries);
    const odd = JSON.parse((await get('/api/documents/odd-text')).body) as Doc;
    const stored = docs.find((d) => d.id === 'odd-text')!;
    // JSON escapes what UTF-8 cannot carry (lone surrogates): the text comes back as it was.
    expect(odd.text).toBe(stored.text);
  });
});

describe('a 4,000,000-character document', () => {
  it('is found by the word at the very end of its text, shown around it', async () => {
    const r = JSON.parse((await get(`/api/search?q=${enc(LAST_WORD)}`)).body) as { hits: { id: string; snippet: string }[] };
    const hit = r.hits.find((h) => h.id === 'huge');
    expect(hit).toBeDefined();
    expect(hit!.snippet).toContain(`<mark>${LAST_WORD}</mark> في آخر النص`);
  });

  it('a query with 31 prefixes over it answers kilobytes, the spans listed up to the bound and marked truncated', async () => {
    const r = await get(`/api/search?q=${enc(Array(31).fill('ال*').join(' '))}&limit=100`);
    expect(r.status).toBe(200);
    expect(r.body.length).toBeLessThan(200_000);
    const hit = (JSON.parse(r.body) as { hits: { id: string; highlights: { text: unknown[]; truncated?: boolean } }[] }).hits.find((h) => h.id === 'huge')!;
    expect(hit.highlights.text.length).toBeLessThanOrEqual(HIT_MAX_HIGHLIGHTS);
    expect(hit.highlights.truncated).toBe(true);
  });

  it('its document view marks the first matches only, says there are more, and still gives the whole text', async () => {
    const api = JSON.parse((await get(`/api/documents/huge?q=${enc('ال*')}`)).body) as { text: string; highlights: { text: unknown[]; truncated?: boolean }; textHighlighted: string };
    expect(api.text).toBe(docs.find((d) => d.id === 'huge')!.text);
    expect(api.highlights.text).toHaveLength(DOCUMENT_MAX_HIGHLIGHTS);
    expect(api.highlights.truncated).toBe(true);
    expect(api.textHighlighted.split('<mark>')).toHaveLength(DOCUMENT_MAX_HIGHLIGHTS + 1);
    const page = await get(`/doc/huge?q=${enc('ال*')}`);
    expect(page.status).toBe(200);
    expect(page.body.split('<mark ')).toHaveLength(DOCUMENT_MAX_HIGHLIGHTS + 1);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fullNormalize, normalize } from '../../src/analysis/normalize.js';
import { tokenize } from '../../src/analysis/tokenize.js';
import { Analyzer } from '../../src/analysis/pipeline.js';
import { parseQuery } from '../../src/search/query.js';
import { matcherFor } from '../../src/search/highlight.js';
import { snippet } from '../../src/search/snippet.js';
import { apiHit } from '../../src/server/api-json.js';
import { snippetHtml } from '../../src/server/view/marked.js';
import { buildIndex } from '../../src/index/build.js';
import { openIndex, type Searcher } from '../../src/search/searcher.js';
import type { Span } from '../../src/search/types.js';

const analyzer = new Analyzer();
const RUNS = 300;

const range = (from: number, to: number): fc.Arbitrary<string> => fc.integer({ min: from, max: to }).map((c) => String.fromCharCode(c));
const pick = (chars: string[]): fc.Arbitrary<string> => fc.constantFrom(...chars);

/** One "character" of Arabic-heavy text: mostly letters, with every kind of trouble mixed in. */
const arabicUnit: fc.Arbitrary<string> = fc.oneof(
  { weight: 30, arbitrary: range(0x0621, 0x064a) }, // letters
  { weight: 6, arbitrary: range(0x064b, 0x0652) }, // harakat, shadda, sukun
  { weight: 10, arbitrary: pick([' ', ' ', ' ', '\n', '\t']) },
  { weight: 2, arbitrary: pick(['ـ', '\u0670', '\u06d6', '\u06ed']) }, // tatweel, dagger alef, Quranic marks
  { weight: 3, arbitrary: pick([...'٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹0123456789']) },
  { weight: 3, arbitrary: pick(['،', '؛', '؟', '«', '»', '.', ',', '-', '/', ':', '!', '(', ')']) },
  { weight: 3, arbitrary: pick([...'abcXYZéÉçGE']) },
  { weight: 1, arbitrary: pick(['🌙', '😀', '👍🏽', '𝐀']) },
  { weight: 1, arbitrary: range(0xd800, 0xdfff) }, // lone surrogates
  { weight: 2, arbitrary: pick(['\u200b', '\u200c', '\u200d', '\u200e', '\u200f', '\u061c', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\ufeff']) },
  { weight: 1, arbitrary: pick(['ﻷ', 'ﷲ', 'ﷺ', 'ﺍﻟﻌﺮﺑﻴﺔ', 'ک', 'ی', 'ۀ', 'ہ', 'ە']) },
  { weight: 2, arbitrary: pick(['<', '>', '&', '"', "'", '<mark>', '</mark>', '<script>', '&lt;']) },
);

const arabicText = fc.array(arabicUnit, { maxLength: 120 }).map((a) => a.join(''));
const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ unit: 'grapheme', maxLength: 40 }), arabicText);

/** A query: some words of the text, maybe with query syntax, maybe random. */
const queryFor = (text: string): fc.Arbitrary<string> => {
  const words = tokenize(text).map((t) => t.surface);
  const fromText = words.length
    ? fc.array(fc.tuple(fc.constantFrom(...words), pick(['', '', '*', '-', '"'])), { minLength: 1, maxLength: 4 }).map((ws) =>
        ws.map(([w, op]) => (op === '-' ? `-${w}` : op === '"' ? `"${w}` : w + op)).join(' '),
      )
    : fc.constant('');
  return fc.oneof(fromText, arabicText);
};

/** [start, end) spans are sorted, disjoint, inside `text`, and each is exactly one whole token of it. */
function expectWholeTokenSpans(text: string, spans: readonly Span[]): void {
  const tokens = new Set(tokenize(text).map((t) => `${t.start}:${t.end}`));
  let last = 0;
  for (const [s, e] of spans) {
    expect(s).toBeGreaterThanOrEqual(last);
    expect(e).toBeGreaterThan(s);
    expect(e).toBeLessThanOrEqual(text.length);
    expect(tokens.has(`${s}:${e}`), `span ${s}:${e} "${text.slice(s, e)}" is not a whole token`).toBe(true);
    last = e;
  }
}

function expectNoRawAngle(html: string): void {
  expect(html.replace(/<\/?mark>/g, '')).not.toContain('<');
}

const unescape = (html: string): string =>
  html.replace(/<\/?mark>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

/** Code points normalization must remove or fold. */
const FOLDED_AWAY = (c: number): boolean =>
  (c >= 0x064b && c <= 0x0652) ||
  c === 0x0640 ||
  c === 0x0670 ||
  (c >= 0x06d6 && c <= 0x06ed) ||
  (c >= 0x200b && c <= 0x200f) ||
  c === 0x061c ||
  (c >= 0x202a && c <= 0x202e) ||
  (c >= 0x2066 && c <= 0x2069) ||
  c === 0xfeff ||
  (c >= 0x0660 && c <= 0x0669) ||
  (c >= 0x06f0 && c <= 0x06f9) ||
  [0x0623, 0x0625, 0x0622, 0x0671, 0x0649, 0x0629, 0x0624, 0x0626, 0x06a9, 0x06cc, 0x06c0, 0x06c1, 0x06d5].includes(c);

describe('properties of analysis', () => {
  it('normalization is idempotent on random Unicode', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const n = normalize(s);
        expect(normalize(n)).toBe(n);
      }),
      { numRuns: 1000 },
    );
  });

  it('the unit-by-unit fast path gives exactly what the full normalization gives, for both hamza settings', () => {
    const block = fc.array(fc.oneof({ weight: 8, arbitrary: range(0x0600, 0x06ff) }, { weight: 2, arbitrary: range(0x20, 0x7e) }, { weight: 1, arbitrary: arabicUnit }), { maxLength: 12 }).map((a) => a.join(''));
    fc.assert(
      fc.property(fc.oneof(block, arabicText, anyText), fc.boolean(), (s, foldHamzaCarriers) => {
        expect(normalize(s, { foldHamzaCarriers })).toBe(fullNormalize(s, { foldHamzaCarriers }));
      }),
      { numRuns: 3000 },
    );
    // the madda and hamza marks compose with the letter before them
    expect(normalize('ؤ', { foldHamzaCarriers: false })).toBe('ؤ');
    expect(normalize('آمنة')).toBe('امنه');
  });

  it('normalization leaves no harakat, tatweel, bidi controls or Arabic-Indic digits', () => {
    fc.assert(
      fc.property(arabicText, (s) => {
        const left = [...normalize(s)].filter((ch) => FOLDED_AWAY(ch.codePointAt(0)!));
        expect(left).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it('tokens slice back out of the original text, in order and in bounds', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        let last = 0;
        for (const t of tokenize(s)) {
          expect(t.start).toBeGreaterThanOrEqual(last);
          expect(t.end).toBeGreaterThan(t.start);
          expect(t.end).toBeLessThanOrEqual(s.length);
          expect(s.slice(t.start, t.end)).toBe(t.surface);
          last = t.end;
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('the analyzer never throws and gives in-bounds, ordered offsets with increasing positions', () => {
    fc.assert(
      fc.property(anyText, fc.boolean(), (s, keepStops) => {
        const tokens = analyzer.analyze(s, keepStops);
        let lastStart = 0;
        let lastPos = -1;
        for (const t of tokens) {
          expect(t.start).toBeGreaterThanOrEqual(lastStart);
          expect(t.end).toBeGreaterThan(t.start);
          expect(t.end).toBeLessThanOrEqual(s.length);
          expect(t.position).toBeGreaterThan(lastPos);
          expect(t.norm.length).toBeGreaterThan(0);
          // the normalized form comes from the token's own characters
          expect(normalize(s.slice(t.start, t.end)).includes(t.norm)).toBe(true);
          if (!keepStops) expect(t.stop).toBe(false);
          lastStart = t.start;
          lastPos = t.position;
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('query parsing never throws', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        parseQuery(s, analyzer);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('properties of snippets and highlights', () => {
  /** Fragments are pieces of the text where they say, in order, their marks whole tokens among the text's matches. */
  function expectFragmentsOf(text: string, r: ReturnType<typeof snippet>): void {
    const s = r.snippet;
    const all = new Set(r.spans.map(([a, b]) => `${a}:${b}`));
    let end = 0;
    expect(s.fragments.length).toBeLessThanOrEqual(3);
    for (const f of s.fragments) {
      expect(f.start).toBeGreaterThanOrEqual(end);
      expect(text.slice(f.start, f.start + f.text.length)).toBe(f.text);
      for (const [a, b] of f.highlights) expect(all.has(`${f.start + a}:${f.start + b}`)).toBe(true);
      end = f.start + f.text.length;
    }
    if (s.fragments.length === 0) expect(text).toBe('');
  }

  it('snippet() cuts fragments out of the text and marks whole tokens; its HTML is escaped', () => {
    fc.assert(
      fc.property(
        arabicText.chain((text) => fc.tuple(fc.constant(text), queryFor(text))),
        ([text, query]) => {
          const s = snippet(analyzer, text, matcherFor(analyzer, parseQuery(query, analyzer)));
          expectWholeTokenSpans(text, s.spans);
          expectFragmentsOf(text, s);
          const html = snippetHtml(s.snippet);
          expectNoRawAngle(html);
          const fragments = html.replace(/^… /, '').replace(/ …$/, '').split(' … ');
          expect(fragments.length).toBeLessThanOrEqual(3 + (text.match(/ … /g)?.length ?? 0));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('snippet() handles random Unicode too', () => {
    fc.assert(
      fc.property(anyText, anyText, (text, query) => {
        const s = snippet(analyzer, text, matcherFor(analyzer, parseQuery(query, analyzer)));
        expectNoRawAngle(snippetHtml(s.snippet));
        expectWholeTokenSpans(text, s.spans);
        expectFragmentsOf(text, s);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('properties of Searcher.search on an index of random documents', () => {
  let dir: string;
  let searcher: Searcher;
  let docs: { id: string; title: string; text: string }[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fahras-prop-'));
    const titles = fc.sample(arabicText, { numRuns: 40, seed: 42 });
    const texts = fc.sample(arabicText, { numRuns: 40, seed: 7 });
    docs = titles.map((title, i) => ({ id: `r${i}`, title, text: `نص ${texts[i]} <b>&amp;</b> بغداد` }));
    writeFileSync(join(dir, 'random.jsonl'), docs.map((d) => JSON.stringify(d)).join('\n') + '\n');
    await buildIndex({ input: join(dir, 'random.jsonl'), out: join(dir, 'index') });
    searcher = await openIndex(join(dir, 'index'));
  });

  afterAll(() => {
    searcher?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hits never carry unescaped input and highlight whole tokens', () => {
    const query = fc.oneof(
      fc.integer({ min: 0, max: 39 }).chain((i) => queryFor(`${docs[i].title} ${docs[i].text}`)),
      anyText,
      fc.constant('بغداد'),
      fc.constant('b'),
    );
    fc.assert(
      fc.property(query, fc.constantFrom<'any' | 'all'>('any', 'all'), (q, mode) => {
        const r = searcher.search(q, { limit: 8, offset: q.length % 3, mode });
        expect(r.hits.length).toBeLessThanOrEqual(Math.max(0, Math.min(8, r.total - (q.length % 3))));
        for (const h of r.hits) {
          const d = searcher.getDocument(h.id)!;
          expect(d).toBeDefined();
          const html = apiHit(h);
          expectNoRawAngle(html.snippet);
          expectNoRawAngle(html.titleHighlighted);
          expect(unescape(html.titleHighlighted)).toBe(d.title);
          expectWholeTokenSpans(d.title, h.highlights.title);
          expectWholeTokenSpans(d.text, h.highlights.text);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('every document is found by a word of its own text', () => {
    const r = searcher.search('بغداد', { limit: 100, snippets: false });
    expect(r.total).toBe(docs.length);
    expect(new Set(r.hits.map((h) => h.id))).toEqual(new Set(docs.map((d) => d.id)));
  });
});

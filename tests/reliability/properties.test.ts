/**
 * Property tests beyond tests/unit/properties.test.ts: every highlighted
 * fragment (search hits, whole documents, the server's HTML of any text and
 * spans) parses with parse5 to text and attribute-free <mark>s only, and reads
 * back as the original text; search(), suggest() and highlightDocument() never throw for
 * any query or options; offsets stay inside the text; normalization is
 * idempotent on dense Arabic (combining runs, presentation forms, bidi).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalize } from '../../src/analysis/normalize.js';
import { Analyzer } from '../../src/analysis/pipeline.js';
import { buildIndex } from '../../src/index/build.js';
import { QueryError, parseQuery } from '../../src/search/query.js';
import { openIndex, type Searcher } from '../../src/search/searcher.js';
import type { Span } from '../../src/search/types.js';
import { apiHighlightedDocument, apiHit } from '../../src/server/api-json.js';
import { renderHit } from '../../src/server/view/search-page.js';
import { markedHtml } from '../../src/server/view/marked.js';
import { expectOnlyMarks, expectSafePage, fragmentText } from './helpers.js';

const analyzer = new Analyzer();
const char = (from: number, to: number) => fc.integer({ min: from, max: to }).map((c) => String.fromCharCode(c));
const pick = (s: string[]) => fc.constantFrom(...s);

/** Dense Arabic: letters with runs of marks, presentation forms, bidi controls, markup and syntax. */
const unit = fc.oneof(
  { weight: 30, arbitrary: char(0x0621, 0x064a) },
  { weight: 8, arbitrary: fc.array(char(0x064b, 0x065f), { minLength: 1, maxLength: 6 }).map((a) => a.join('')) },
  { weight: 10, arbitrary: pick([' ', ' ', '\n', '\u00a0', '\u2003']) },
  { weight: 3, arbitrary: pick(['ـ', 'ـــ', '\u0670', '\u0653', '\u0654', '\u0655', '\u06d6', '\u06e1', '\u08f0']) },
  { weight: 3, arbitrary: char(0xfb50, 0xfdff) }, // presentation forms A
  { weight: 3, arbitrary: char(0xfe70, 0xfefc) }, // presentation forms B
  { weight: 2, arbitrary: char(0x0750, 0x077f) }, // Arabic supplement
  { weight: 2, arbitrary: pick(['\u200c', '\u200d', '\u200e', '\u200f', '\u061c', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069']) },
  { weight: 3, arbitrary: pick(['"', '-', '*', '(', ')', '[', ']', '\\', '^', '$', '|', '?', '+', '.', '،', '؟']) },
  { weight: 3, arbitrary: pick(['<', '>', '&', "'", '<mark>', '</mark>', '<script>', '&lt;', '&amp;', '<img src=x onerror=alert(1)>', '<mark class="x">', '&#60;']) },
  { weight: 1, arbitrary: char(0xd800, 0xdfff) },
  { weight: 1, arbitrary: pick(['\u0000', '\u0001', '\u001b', '\u007f', '\u0085', '\ufffd', '\uffff']) },
  { weight: 2, arbitrary: char(0x0020, 0x007e) },
);
const dense = fc.array(unit, { maxLength: 150 }).map((a) => a.join(''));
const anything = fc.oneof(dense, fc.string({ unit: 'binary', maxLength: 120 }), fc.string({ unit: 'grapheme', maxLength: 60 }));

/** `s` with lone surrogates replaced by U+FFFD (String#toWellFormed, not in the ES2023 lib). */
const wellFormed = (s: string) => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

function expectSpansInside(text: string, spans: readonly Span[], where: string): void {
  let last = 0;
  for (const [s, e] of spans) {
    expect(Number.isInteger(s) && Number.isInteger(e), where).toBe(true);
    expect(s, where).toBeGreaterThanOrEqual(last);
    expect(e, where).toBeGreaterThan(s);
    expect(e, where).toBeLessThanOrEqual(text.length);
    last = e;
  }
}

describe('analysis never throws and normalizing is idempotent', () => {
  it('normalize(normalize(s)) === normalize(s) on dense Arabic', () => {
    fc.assert(
      fc.property(dense, (s) => {
        const once = normalize(s);
        expect(normalize(once)).toBe(once);
        expect(analyzer.normalize(analyzer.normalize(s))).toBe(analyzer.normalize(s));
      }),
      { numRuns: 1000 },
    );
  });

  it('the analyzer and the query parser never throw, and token offsets stay inside the text', () => {
    fc.assert(
      fc.property(anything, (s) => {
        for (const keep of [true, false]) {
          for (const t of analyzer.analyze(s, keep)) {
            expect(t.start).toBeGreaterThanOrEqual(0);
            expect(t.end).toBeLessThanOrEqual(s.length);
            expect(t.end).toBeGreaterThan(t.start);
          }
        }
        const q = parseQuery(s, analyzer);
        for (const w of q.words) expect(typeof w.stem).toBe('string');
        for (const p of q.phrases) expect(p.words.length).toBeGreaterThan(1);
      }),
      { numRuns: 500 },
    );
  });
});

/** Any text with sorted, disjoint, non-empty spans inside it. */
const textWithSpans = anything.chain((text) =>
  fc
    .uniqueArray(fc.integer({ min: 0, max: text.length }), { maxLength: 12 })
    .map((cuts) => cuts.sort((a, b) => a - b))
    .map((cuts): [string, Span[]] => {
      const spans: Span[] = [];
      for (let i = 0; i + 1 < cuts.length; i += 2) spans.push([cuts[i], cuts[i + 1]]);
      return [text, spans];
    }),
);

describe('the server\'s HTML of text and matches', () => {
  it('markedHtml escapes any text into bare <mark>s, one per span, and reads back as the text', () => {
    const clean = (s: string) => s.replace(/\0/g, '').replace(/\r\n?/g, '\n');
    fc.assert(
      fc.property(textWithSpans, fc.option(fc.integer({ min: 1, max: 99 }), { nil: undefined }), ([text, spans], firstId) => {
        const html = markedHtml(text, spans, firstId);
        if (firstId === undefined) expectOnlyMarks(html, 'markedHtml');
        // The parser reads each piece between tags on its own (CR LF split by a tag stays two line breaks).
        const cuts = [0, ...spans.flat(), text.length];
        expect(fragmentText(html)).toBe(cuts.slice(1).map((end, i) => clean(text.slice(cuts[i], end))).join(''));
        expect((html.match(/<mark[ >]/g) ?? []).length).toBe(spans.length);
        expect((html.match(/<\/mark>/g) ?? []).length).toBe(spans.length);
        const ids = [...html.matchAll(/<mark id="m(\d+)">/g)].map((m) => Number(m[1]));
        expect(ids).toEqual(firstId === undefined ? [] : spans.map((_, i) => firstId + i));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('properties of a small index of hostile documents', () => {
  let dir: string;
  let searcher: Searcher;
  let docs: { id: string; title: string; text: string; source?: string; date?: string }[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fahras-rel-prop-'));
    const titles = fc.sample(dense, { numRuns: 60, seed: 2024 });
    const texts = fc.sample(dense, { numRuns: 60, seed: 99 });
    const sources = ['عكاظ', '<b>x</b>', '__proto__', '', 'Reuters'];
    docs = titles.map((title, i) => ({
      id: i % 7 === 0 ? `<id ${i}>&"'` : `p${i}`,
      title,
      // Every document holds a common word so every query has candidates.
      text: `${texts[i]} الطاقة ${texts[(i + 1) % texts.length].slice(0, 40)}`,
      source: sources[i % sources.length] || undefined,
      date: i % 3 === 0 ? `20${10 + (i % 10)}-0${1 + (i % 9)}-1${i % 10}` : i % 3 === 1 ? 'not a date' : undefined,
    }));
    writeFileSync(join(dir, 'docs.jsonl'), docs.map((d) => JSON.stringify(d)).join('\n') + '\n');
    await buildIndex({ input: join(dir, 'docs.jsonl'), out: join(dir, 'index') });
    searcher = await openIndex(join(dir, 'index'));
  });

  afterAll(() => {
    searcher?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Queries built from words of the documents with query syntax around them, or anything at all. */
  const query = fc.oneof(
    fc
      .array(
        fc.tuple(
          fc.integer({ min: 0, max: 59 }),
          fc.integer({ min: 0, max: 20 }),
          pick(['', '', '*', '-', '"', '(', ')', '|', '^', '\\', '+', '?']),
        ),
        { minLength: 1, maxLength: 5 },
      )
      .map((parts) =>
        parts
          .map(([d, w, op]) => {
            const words = `${docs[d].title} ${docs[d].text}`.split(/\s+/).filter(Boolean);
            const word = words[w % Math.max(1, words.length)] ?? '';
            return op === '-' || op === '"' || op === '(' ? op + word : word + op;
          })
          .join(' '),
      ),
    anything,
    pick(['الطاقة', 'الطا*', '"الطاقة"', '-الطاقة الطاقة']),
  );

  const options = fc.record({
    limit: fc.integer({ min: 0, max: 1000 }),
    offset: fc.integer({ min: 0, max: 100 }),
    mode: pick(['any', 'all'] as string[]) as fc.Arbitrary<'any' | 'all'>,
    source: fc.option(pick(['عكاظ', '<b>x</b>', '__proto__', '(none)', 'nope', 'constructor']), { nil: undefined }),
    from: fc.option(pick(['2010-01-01', '2015-06-30', '1970-01-01', '2999-12-31']), { nil: undefined }),
    to: fc.option(pick(['2012-12-31', '2019-12-31', '2100-01-01']), { nil: undefined }),
  });

  it('search() never throws; hits are escaped <mark>-only HTML whose text is the document\'s own', () => {
    fc.assert(
      fc.property(query, options, (q, o) => {
        const r = searcher.search(q, { limit: o.limit, offset: o.offset, mode: o.mode, filters: { source: o.source, from: o.from, to: o.to } });
        expect(r.total).toBeGreaterThanOrEqual(0);
        expect(r.hits.length).toBeLessThanOrEqual(o.limit);
        for (const h of r.hits) {
          const d = searcher.getDocument(h.id)!;
          expect(d, h.id).toBeDefined();
          const html = apiHit(h);
          expectOnlyMarks(html.titleHighlighted, `title of ${h.id}`);
          expectOnlyMarks(html.snippet, `snippet of ${h.id}`);
          // Parsing the highlighted title gives back the title, character for character
          // (the HTML parser drops NULs in text and reads CR LF as LF, as browsers do).
          const clean = (s: string) => s.replace(/\0/g, '').replace(/\r\n?/g, '\n');
          expect(fragmentText(html.titleHighlighted)).toBe(clean(d.title));
          // Each fragment of the snippet is a slice of the text.
          for (const part of fragmentText(html.snippet).replace(/^… /, '').replace(/ …$/, '').split(' … ')) {
            if (!clean(d.text).includes('…')) expect(clean(d.text)).toContain(part);
          }
          expectSpansInside(d.title, h.highlights.title, `title spans of ${h.id}`);
          expectSpansInside(d.text, h.highlights.text, `text spans of ${h.id}`);
          // The server's rendering of the hit is a safe page fragment (a q that arrives over
          // HTTP is always well-formed: a lone surrogate cannot be percent-encoded).
          expectSafePage(`<!doctype html><html><body><ol>${renderHit(h, wellFormed(q))}</ol></body></html>`, `renderHit ${h.id}`);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('search() refuses impossible paging and dates with a QueryError, not anything else', () => {
    fc.assert(
      fc.property(query, fc.integer({ min: -5, max: 2_000_000 }), fc.oneof(fc.double(), fc.constant(Number.NaN)), (q, limit, offset) => {
        try {
          searcher.search(q, { limit, offset });
        } catch (e) {
          expect(e).toBeInstanceOf(QueryError);
        }
        try {
          searcher.search(q, { filters: { from: `${q}`.slice(0, 10) } });
        } catch (e) {
          expect(e).toBeInstanceOf(QueryError);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('highlightDocument() never throws; its HTML is <mark>-only, reads back as the document, and spans stay inside', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 59 }), fc.option(query, { nil: undefined }), (i, q) => {
        const d = searcher.highlightDocument(docs[i].id, q)!;
        expect(d).toBeDefined();
        const html = apiHighlightedDocument(d);
        expectOnlyMarks(html.titleHighlighted, 'titleHighlighted');
        expectOnlyMarks(html.textHighlighted, 'textHighlighted');
        const clean = (s: string) => s.replace(/\0/g, '').replace(/\r\n?/g, '\n');
        expect(fragmentText(html.textHighlighted)).toBe(clean(d.document.text));
        expect(fragmentText(html.titleHighlighted)).toBe(clean(d.document.title));
        expectSpansInside(d.document.title, d.highlights.title, 'title');
        expectSpansInside(d.document.text, d.highlights.text, 'text');
        expect((html.textHighlighted.match(/<mark>/g) ?? []).length).toBe(d.highlights.text.length);
      }),
      { numRuns: 300 },
    );
  });

  it('suggest() never throws and gives at most `limit` suggestions that extend the input', () => {
    fc.assert(
      fc.property(anything, fc.integer({ min: 0, max: 20 }), (s, limit) => {
        const out = searcher.suggest(s, limit);
        expect(out.length).toBeLessThanOrEqual(limit);
        for (const x of out) {
          expect(typeof x.term).toBe('string');
          expect(x.count).toBeGreaterThan(0);
          expect(x.query.endsWith(x.term)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('getDocument() of any string never throws', () => {
    fc.assert(
      fc.property(fc.oneof(anything, pick(['__proto__', 'constructor', 'toString', 'hasOwnProperty', ''])), (id) => {
        const d = searcher.getDocument(id);
        if (d) expect(d.id).toBe(id);
      }),
      { numRuns: 300 },
    );
  });
});

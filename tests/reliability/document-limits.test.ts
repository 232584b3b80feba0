/**
 * What one document may carry: records beyond the limits (metadata nested
 * thousands of levels deep, too many fields, ids no address can reach, texts
 * and lines of tens of megabytes) are refused at load with file:line and
 * skipped — or stop a --strict build — while the rest of the corpus is indexed
 * and every answer that returns a kept document succeeds.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCUMENT_LIMITS } from '../../src/ingest/document.js';
import { loadDocuments, type LoadProblem } from '../../src/ingest/load.js';
import { errorLines, expectNoStack, fahras, requireBuilt } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'fahras-limits-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeAll(requireBuilt);

const ok = (id: string) => ({ id, title: 'ارتفاع أسعار النفط', text: 'ارتفعت أسعار النفط في الأسواق العالمية اليوم', source: 'عكاظ' });

/** A JSON value nested `depth` levels deep, written without recursion. */
const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

/** Lines of a JSONL corpus: good records around each bad one, so a bad one cannot take its neighbours down. */
const BAD: [name: string, line: string, message: RegExp][] = [
  ['metadata nested 5,000 levels deep', `{"id":"deep","title":"عنوان","text":"نص عن النفط","meta":${nested(5000)}}`, /nested more than 16 levels/],
  ['metadata nested 20 levels deep', `{"id":"deep20","text":"نص عن النفط","meta":${nested(20)}}`, /nested more than 16 levels/],
  ['metadata with 5,000 fields', JSON.stringify({ id: 'wide', text: 'نص عن النفط', ...Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i])) }), /more than 1000 fields/],
  ['metadata of 100 kB', JSON.stringify({ id: 'heavy', text: 'نص عن النفط', blob: 'س'.repeat(60_000) }), /metadata is larger than 64 KiB/],
  ['an id of 10,000 characters', JSON.stringify({ id: 'x'.repeat(10_000), text: 'نص عن النفط' }), /"id" is longer than 1000 characters/],
  ['an id "."', JSON.stringify({ id: '.', text: 'نص عن النفط' }), /"id" cannot be "\."/],
  ['an id ".."', JSON.stringify({ id: '..', text: 'نص عن النفط' }), /"id" cannot be "\.\."/],
  ['an id with NUL', JSON.stringify({ id: 'a\u0000b', text: 'نص عن النفط' }), /control character/],
  ['an id with an escape sequence', JSON.stringify({ id: '\u001b[2Jx', text: 'نص عن النفط' }), /control character/],
  ['a title of 5,000 characters', JSON.stringify({ id: 'long-title', title: 'ن'.repeat(5000), text: 'نص عن النفط' }), /"title" is longer than 4000/],
  ['a source of 300 characters', JSON.stringify({ id: 'long-source', text: 'نص عن النفط', source: 'م'.repeat(300) }), /"source" is longer than 200/],
];

describe('document limits at load', () => {
  let corpus: string;
  beforeAll(() => {
    const lines: string[] = [];
    BAD.forEach(([, line], i) => lines.push(JSON.stringify(ok(`good-${i}`)), line));
    lines.push(JSON.stringify(ok('good-last')));
    corpus = join(tmp, 'corpus.jsonl');
    writeFileSync(corpus, lines.join('\n') + '\n');
  });

  it('reports each refused record with its line and reason, and keeps every other', async () => {
    const problems: LoadProblem[] = [];
    const ids: string[] = [];
    for await (const d of loadDocuments(corpus, { onProblem: (p) => problems.push(p) })) ids.push(d.id);
    expect(ids).toEqual([...BAD.map((_, i) => `good-${i}`), 'good-last']);
    expect(problems).toHaveLength(BAD.length);
    BAD.forEach(([name, , message], i) => {
      expect(problems[i].line, name).toBe(2 * i + 2);
      expect(problems[i].message, name).toMatch(message);
    });
  });

  it('fahras index skips them with file:line, indexes the rest, and search answers for every kept document', async () => {
    const out = join(tmp, 'index');
    const r = await fahras(['index', '--input', corpus, '--out', out]);
    expectNoStack('index', r.stdout, r.stderr);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`indexed ${BAD.length + 1} documents .*\\(${BAD.length} skipped`));
    expect(r.stderr).toMatch(/corpus\.jsonl:2: .*nested more than 16 levels/);
    const s = await fahras(['search', 'النفط', '--index', out, '--json', '--limit', '100']);
    expect(s.code, s.stderr).toBe(0);
    expect((JSON.parse(s.stdout) as { total: number }).total).toBe(BAD.length + 1);
  });

  it('--strict stops at the first refused record with one line and exit 1, leaving no index', async () => {
    const out = join(tmp, 'strict');
    const r = await fahras(['index', '--input', corpus, '--out', out, '--strict']);
    expectNoStack('strict', r.stdout, r.stderr);
    expect(r.code).toBe(1);
    expect(errorLines(r.stderr)).toEqual([expect.stringMatching(/corpus\.jsonl:2: metadata is nested more than 16 levels deep/)]);
  });

  it('refuses a line over the record size without parsing it, in plain and gzipped files alike', async () => {
    const big = JSON.stringify({ id: 'huge', title: 'كتاب', text: 'كلمة '.repeat(Math.ceil(DOCUMENT_LIMITS.recordBytes / 9)) });
    const text = [JSON.stringify(ok('before')), big, JSON.stringify(ok('after'))].join('\n') + '\n';
    for (const [name, content] of [['huge.jsonl', text], ['huge.jsonl.gz', gzipSync(text)]] as const) {
      const file = join(tmp, name);
      writeFileSync(file, content);
      const problems: LoadProblem[] = [];
      const ids: string[] = [];
      for await (const d of loadDocuments(file, { onProblem: (p) => problems.push(p) })) ids.push(d.id);
      expect(ids, name).toEqual(['before', 'after']);
      expect(problems.map((p) => [p.line, p.message]), name).toEqual([[2, expect.stringMatching(/record is larger than 16 MiB/)]]);
    }
  });

  it('refuses a text over the text limit and keeps one just under it', async () => {
    const file = join(tmp, 'texts.jsonl');
    const under = 'نفط '.repeat(Math.floor(DOCUMENT_LIMITS.textLength / 4));
    writeFileSync(file, [JSON.stringify({ id: 'under', text: under }), JSON.stringify({ id: 'over', text: under + 'زيادة' })].join('\n'));
    const problems: LoadProblem[] = [];
    const ids: string[] = [];
    for await (const d of loadDocuments(file, { onProblem: (p) => problems.push(p) })) ids.push(d.id);
    expect(ids).toEqual(['under']);
    expect(problems[0].message).toMatch(/"text" is longer than 4,000,000 characters/);
  });

  it('keeps a record whose fields are named __proto__ or constructor as ordinary metadata', async () => {
    const file = join(tmp, 'proto.jsonl');
    writeFileSync(file, '{"id":"p1","text":"نص عن النفط","__proto__":{"source":"مزيف"},"constructor":"x"}\n');
    const docs = [];
    for await (const d of loadDocuments(file)) docs.push(d);
    expect(docs).toHaveLength(1);
    expect(docs[0].metadata.source).toBeUndefined();
    expect(Object.keys(docs[0].metadata).sort()).toEqual(['__proto__', 'constructor']);
    expect(readFileSync(file, 'utf8')).toContain('__proto__');
  });
});

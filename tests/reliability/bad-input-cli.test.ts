/**
 * Hostile and malformed input to every `fahras` command (the built CLI,
 * `npm run build` first): bad arguments, malformed seed files, empty folders,
 * duplicate ids, unusable output folders, bad environment variables. A
 * failure exits non-zero with one line (commander's usage errors add a
 * "(run with --help …)" hint), a partial success exits 0 and names each
 * skipped record; nothing hangs and nothing prints a stack trace.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureIndex, ROOT, type TempIndex } from '../helpers/server.js';
import { errorLines, expectNoStack, fahras, requireBuilt, type Run } from './helpers.js';

let tmp: string;
let idx: TempIndex;
let busy: Server;
let busyPort: number;

const QUERIES = join(ROOT, 'tests/fixtures/core-eval-queries.tsv');
const QRELS = join(ROOT, 'tests/fixtures/core-eval-qrels.txt');
const NEWS = join(ROOT, 'tests/fixtures/news.jsonl');
const GOOD = { id: 'g1', title: 'أسعار النفط', text: 'ارتفعت أسعار النفط في الأسواق العالمية اليوم' };
const line = (o: unknown) => JSON.stringify(o);

/** Seed folders written in beforeAll: name → files. */
const SEEDS: Record<string, Record<string, string | Buffer>> = {
  empty: {},
  'only-hidden-and-unsupported': { '.hidden.jsonl': line(GOOD) + '\n', 'notes.pdf': 'x', 'data.csv': 'a,b\n' },
  'jsonl-all-malformed': { 'a.jsonl': '{"id":"a","text":\n{not json}\n[1,2\n' },
  'jsonl-mixed': { 'a.jsonl': `${line(GOOD)}\n{"id":"b","text":\n${line({ id: 'c', text: 'نص عن الطاقة' })}\n` },
  'jsonl-invalid-utf8': { 'a.jsonl': Buffer.concat([Buffer.from('{"id":"a","text":"'), Buffer.from([0xff, 0xfe, 0xc0, 0xaf]), Buffer.from('"}\n')]) },
  'jsonl-invalid-utf8-and-good': { 'a.jsonl': Buffer.concat([Buffer.from('{"id":"a","text":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from(`"}\n${line(GOOD)}\n`)]) },
  'jsonl-bom-crlf': { 'a.jsonl': `\ufeff${line(GOOD)}\r\n${line({ ...GOOD, id: 'g2' })}\r\n` },
  'jsonl-nul-bytes': { 'a.jsonl': Buffer.from([0, 0, 0, 10, 0]) },
  'jsonl-lone-surrogate-escapes': { 'a.jsonl': '{"id":"s","title":"\\ud800","text":"نص \\udc00 \\ud83d الطاقة"}\n' },
  'jsonl-control-and-bidi': {
    'a.jsonl': [line({ id: 'bidi\u202e', title: '\u0000\u001b[31m', text: 'نص \u202eالطاقة\u202c \u0007' }), line({ id: 'ctl\u0001', text: 'نص عن الطاقة' })].join('\n') + '\n',
  },
  'jsonl-not-objects': { 'a.jsonl': '[1,2]\n42\nnull\n"text"\ntrue\n' },
  'jsonl-bad-fields': {
    'a.jsonl': [{ id: { a: 1 }, text: 'نص' }, { id: '', text: 'نص' }, { id: '   ', text: 'نص' }, { id: 'x', title: 5, text: 'نص' }, { id: 'y', text: '' }, { id: 'z', text: ' \n\t ' }, { id: 'w', text: 42 }, { id: 'v' }]
      .map(line)
      .join('\n'),
  },
  'jsonl-duplicate-ids': { 'a.jsonl': `${line(GOOD)}\n${line({ ...GOOD, text: 'نص آخر' })}\n`, 'b.jsonl': `${line(GOOD)}\n` },
  'jsonl-prototype-ids': { 'a.jsonl': ['__proto__', 'constructor', 'toString', 'hasOwnProperty'].map((id) => line({ id, text: 'نص عن الطاقة' })).join('\n') },
  'jsonl-huge-line': { 'a.jsonl': line({ id: 'big', text: 'كلمة '.repeat(700_000) }) + '\n' },
  'jsonl-text-over-limit': { 'a.jsonl': line({ id: 'too-big', text: 'كلمة '.repeat(1_000_000) }) + '\n' },
  'jsonl-deep-nesting': { 'a.jsonl': `{"text":${'['.repeat(100_000)}${']'.repeat(100_000)}}\n` },
  'json-malformed': { 'a.json': '{"text": ' },
  'json-mixed-array': { 'a.json': JSON.stringify([1, null, 'x', GOOD, { text: '' }]) },
  'json-invalid-utf8': { 'a.json': Buffer.concat([Buffer.from('{"text":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]) },
  'json-deep-array': { 'a.json': '['.repeat(200_000) + ']'.repeat(200_000) },
  'json-empty': { 'a.json': '' },
  'txt-invalid-utf8': { 'a.txt': Buffer.from([0xd8, 0xa7, 0xff, 0xd8]) },
  'txt-empty-and-blank': { 'a.txt': '', 'b.txt': '  \n\n\t ', 'c.md': '\ufeff' },
  'md-heading-only': { 'a.md': '# الطاقة الشمسية\n' },
  'gz-not-gzip': { 'a.jsonl.gz': 'this is not gzip' },
  'gz-truncated': { 'a.jsonl.gz': gzipSync(Buffer.from(`${line(GOOD)}\n`.repeat(200))).subarray(0, 60) },
  'gz-invalid-utf8': { 'a.jsonl.gz': gzipSync(Buffer.from([0x7b, 0xff, 0x7d, 0x0a])) },
};

interface CliCase {
  name: string;
  args: () => string[];
  code: number;
  env?: Record<string, string>;
  /** stderr (the one error line, or the whole of it) must match. */
  stderr?: RegExp;
  stdout?: RegExp;
  /** Number of "skipped …" notices expected on stderr. */
  skipped?: number;
  /** Extra checks on the run. */
  check?: (r: Run) => void;
}

const seed = (name: string) => join(tmp, 'seeds', name);
const out = (name: string) => join(tmp, 'out', name);

const indexCases: CliCase[] = [
  { name: 'an empty seed folder', args: () => ['index', '--input', seed('empty'), '--out', out('empty')], code: 1, stderr: /no documents to index/ },
  { name: 'only hidden and unsupported files', args: () => ['index', '--input', seed('only-hidden-and-unsupported'), '--out', out('hidden')], code: 1, stderr: /no documents to index/ },
  { name: 'a missing input', args: () => ['index', '--input', join(tmp, 'nowhere'), '--out', out('missing')], code: 1, stderr: /no such file or folder/ },
  { name: 'an empty input path', args: () => ['index', '--input', '', '--out', out('empty-path')], code: 1, stderr: /no such file or folder/ },
  { name: 'an unsupported single file', args: () => ['index', '--input', join(tmp, 'table.csv'), '--out', out('unsupported')], code: 1, stderr: /unsupported file type/ },
  { name: 'a device as input', args: () => ['index', '--input', '/dev/null', '--out', out('devnull')], code: 1 },
  { name: 'JSONL with only malformed lines', args: () => ['index', '--input', seed('jsonl-all-malformed'), '--out', out('a')], code: 1, skipped: 3, stderr: /no documents to index.*3 skipped/ },
  { name: 'JSONL with a malformed line among good ones', args: () => ['index', '--input', seed('jsonl-mixed'), '--out', out('b')], code: 0, skipped: 1, stdout: /^indexed 2 documents .*\(1 skipped/ },
  { name: 'JSONL malformed, --strict', args: () => ['index', '--input', seed('jsonl-mixed'), '--out', out('b-strict'), '--strict'], code: 1, stderr: /a\.jsonl:2: not valid JSON/ },
  { name: 'JSONL of invalid UTF-8', args: () => ['index', '--input', seed('jsonl-invalid-utf8'), '--out', out('c')], code: 1, skipped: 1, stderr: /no documents/ },
  { name: 'JSONL with an encoded surrogate (invalid UTF-8) and a good line', args: () => ['index', '--input', seed('jsonl-invalid-utf8-and-good'), '--out', out('d')], code: 0, skipped: 1, check: (r) => expect(r.stderr).toMatch(/a\.jsonl:1: not valid UTF-8/) },
  { name: 'JSONL with a byte-order mark and CRLF line ends', args: () => ['index', '--input', seed('jsonl-bom-crlf'), '--out', out('e')], code: 0, stdout: /^indexed 2 documents .*\(0 skipped/ },
  { name: 'JSONL of NUL bytes', args: () => ['index', '--input', seed('jsonl-nul-bytes'), '--out', out('f')], code: 1, stderr: /no documents/ },
  { name: 'JSONL with lone-surrogate escapes', args: () => ['index', '--input', seed('jsonl-lone-surrogate-escapes'), '--out', out('g')], code: 0, stdout: /^indexed 1 documents/ },
  { name: 'JSONL with control and bidi characters (an id with a control character is refused)', args: () => ['index', '--input', seed('jsonl-control-and-bidi'), '--out', out('h')], code: 0, skipped: 1, stdout: /^indexed 1 documents/, check: (r) => expect(r.stderr).toMatch(/a\.jsonl:2: "id" holds a control character/) },
  { name: 'JSONL lines that are not objects', args: () => ['index', '--input', seed('jsonl-not-objects'), '--out', out('i')], code: 1, skipped: 5 },
  { name: 'JSONL records with bad ids, titles and texts', args: () => ['index', '--input', seed('jsonl-bad-fields'), '--out', out('j')], code: 1, skipped: 8 },
  { name: 'duplicate ids within and across files', args: () => ['index', '--input', seed('jsonl-duplicate-ids'), '--out', out('k')], code: 0, skipped: 2, check: (r) => expect(r.stderr).toMatch(/duplicate id "g1"/) },
  { name: 'duplicate ids, --strict', args: () => ['index', '--input', seed('jsonl-duplicate-ids'), '--out', out('k-strict'), '--strict'], code: 1, stderr: /duplicate id "g1"/ },
  { name: 'prototype names as ids', args: () => ['index', '--input', seed('jsonl-prototype-ids'), '--out', out('l')], code: 0, stdout: /^indexed 4 documents/ },
  { name: 'a 6 MB line', args: () => ['index', '--input', seed('jsonl-huge-line'), '--out', out('m')], code: 0, stdout: /^indexed 1 documents/ },
  { name: 'a text over the text limit', args: () => ['index', '--input', seed('jsonl-text-over-limit'), '--out', out('m2')], code: 1, skipped: 1, check: (r) => expect(r.stderr).toMatch(/"text" is longer than 4,000,000 characters/) },
  { name: 'JSONL nested 100,000 deep', args: () => ['index', '--input', seed('jsonl-deep-nesting'), '--out', out('n')], code: 1, skipped: 1 },
  { name: 'a JSON file cut short', args: () => ['index', '--input', seed('json-malformed'), '--out', out('o')], code: 1, skipped: 1, check: (r) => expect(r.stderr).toMatch(/a\.json: not valid JSON/) },
  { name: 'a JSON array of mixed records', args: () => ['index', '--input', seed('json-mixed-array'), '--out', out('p')], code: 0, skipped: 4, stdout: /^indexed 1 documents/ },
  { name: 'a JSON file of invalid UTF-8', args: () => ['index', '--input', seed('json-invalid-utf8'), '--out', out('q')], code: 1, skipped: 1, check: (r) => expect(r.stderr).toMatch(/not valid UTF-8/) },
  { name: 'a JSON array nested 200,000 deep', args: () => ['index', '--input', seed('json-deep-array'), '--out', out('r')], code: 1 },
  { name: 'an empty JSON file', args: () => ['index', '--input', seed('json-empty'), '--out', out('s')], code: 1, skipped: 1 },
  { name: 'a .txt file of invalid UTF-8', args: () => ['index', '--input', seed('txt-invalid-utf8'), '--out', out('t')], code: 1, skipped: 1, check: (r) => expect(r.stderr).toMatch(/not valid UTF-8/) },
  { name: 'empty and blank text files', args: () => ['index', '--input', seed('txt-empty-and-blank'), '--out', out('u')], code: 1, skipped: 3 },
  { name: 'a Markdown file with only a heading', args: () => ['index', '--input', seed('md-heading-only'), '--out', out('v')], code: 0, stdout: /^indexed 1 documents/ },
  { name: 'a .gz file that is not gzip', args: () => ['index', '--input', seed('gz-not-gzip'), '--out', out('w')], code: 1, skipped: 1 },
  { name: 'a truncated .gz file', args: () => ['index', '--input', seed('gz-truncated'), '--out', out('x')], code: 1 },
  { name: 'a .gz file of invalid UTF-8', args: () => ['index', '--input', seed('gz-invalid-utf8'), '--out', out('y')], code: 1, skipped: 1 },
  { name: 'a named pipe as input', args: () => ['index', '--input', join(tmp, 'fifo.jsonl'), '--out', out('fifo')], code: 1 },
  { name: 'a folder with a symlink loop', args: () => ['index', '--input', join(tmp, 'loop'), '--out', out('loop')], code: 0, stdout: /^indexed 8 documents/ },
  { name: '--out is a file', args: () => ['index', '--input', NEWS, '--out', join(tmp, 'a-file')], code: 1 },
  { name: '--out is below a file', args: () => ['index', '--input', NEWS, '--out', join(tmp, 'a-file', 'sub')], code: 1 },
  { name: '--out is the input file', args: () => ['index', '--input', join(tmp, 'news-copy.jsonl'), '--out', join(tmp, 'news-copy.jsonl')], code: 1 },
  { name: '--out is empty', args: () => ['index', '--input', NEWS, '--out', ''], code: 1 },
  { name: 'an unknown option', args: () => ['index', '--frobnicate'], code: 2, stderr: /unknown option/ },
  { name: '--input without a value', args: () => ['index', '--input'], code: 2, stderr: /argument missing/ },
  { name: 'an extra argument', args: () => ['index', 'extra', '--input', NEWS, '--out', out('extra')], code: 2 },
];

const q = (query: string, ...rest: string[]) => () => ['search', query, '--index', idx.index, '--json', ...rest];
const emptyResult = (r: Run) => {
  const body = JSON.parse(r.stdout);
  expect(body.total).toBe(0);
  expect(body.hits).toEqual([]);
};
const someResult = (r: Run) => expect(typeof JSON.parse(r.stdout).total).toBe('number');

const searchCases: CliCase[] = [
  { name: 'no query', args: () => ['search', '--index', idx.index], code: 2, stderr: /nothing to search for/ },
  { name: 'an empty query', args: q(''), code: 2, stderr: /nothing to search for/ },
  { name: 'a blank query', args: q(' \t\n '), code: 2, stderr: /nothing to search for/ },
  { name: 'a 513-character query', args: q('ب'.repeat(513)), code: 2, stderr: /too long/ },
  { name: 'a 10 KB query', args: q('ب'.repeat(10 * 1024)), code: 2, stderr: /too long/ },
  // (1 MB cannot be passed at all: Linux caps one argument at 128 KiB, spawn fails with E2BIG.)
  { name: 'a 100 KB query', args: q('a'.repeat(100 * 1024)), code: 2, stderr: /too long/ },
  { name: 'only stop words', args: q('في من على إلى'), code: 0, check: emptyResult },
  { name: 'only diacritics', args: q('ًٌٍَُِّْ'), code: 0, check: emptyResult },
  { name: 'only tatweel', args: q('ـــــ'), code: 0, check: emptyResult },
  { name: 'only punctuation', args: q('!؟،.؛«»'), code: 0, check: emptyResult },
  { name: 'every metacharacter', args: q('" * - ( ) [ ] \\ ^ $ | ? +'), code: 0, check: emptyResult },
  { name: 'an unbalanced quote', args: q('"النفط'), code: 0, check: someResult },
  { name: 'a catastrophic regex', args: q('(a+)+$'), code: 0, check: someResult },
  { name: 'control characters', args: q('\u0001\u0002\u001b[2J\u007f'), code: 0, check: emptyResult },
  { name: 'bidi overrides', args: q('\u202eالنفط\u202c\u2066'), code: 0, check: someResult },
  { name: 'a lone surrogate (becomes U+FFFD in argv)', args: q('\ud800'), code: 0, check: emptyResult },
  { name: 'markup', args: q('<script>alert(1)</script>'), code: 0, check: someResult },
  { name: 'a query that starts with a dash', args: () => ['search', '--index', idx.index, '--json', '--', '-النفط'], code: 0, check: emptyResult },
  { name: '--limit -1', args: q('النفط', '--limit', '-1'), code: 2, stderr: /--limit/ },
  { name: '--limit 1e9', args: q('النفط', '--limit', '1e9'), code: 2, stderr: /--limit/ },
  { name: '--limit 0', args: q('النفط', '--limit', '0'), code: 2, stderr: /--limit/ },
  { name: '--limit 1.5', args: q('النفط', '--limit', '1.5'), code: 2, stderr: /--limit/ },
  { name: '--limit with no value', args: () => ['search', 'النفط', '--index', idx.index, '--limit'], code: 2, stderr: /argument missing/ },
  { name: '--offset NaN', args: q('النفط', '--offset', 'NaN'), code: 2, stderr: /--offset/ },
  { name: '--offset -1', args: q('النفط', '--offset', '-1'), code: 2, stderr: /--offset/ },
  { name: '--offset 1e9', args: q('النفط', '--offset', '1e9'), code: 2, stderr: /--offset/ },
  { name: 'the largest --limit and --offset', args: q('النفط', '--limit', '1000', '--offset', '10000'), code: 0, check: (r) => expect(JSON.parse(r.stdout).hits).toEqual([]) },
  { name: '--mode some', args: q('النفط', '--mode', 'some'), code: 2, stderr: /--mode/ },
  { name: '--from not a date', args: q('النفط', '--from', 'yesterday'), code: 2, stderr: /--from must be a calendar date/ },
  { name: '--from an impossible date', args: q('النفط', '--from', '2015-02-30'), code: 2, stderr: /--from/ },
  { name: '--to with a time', args: q('النفط', '--to', '2015-01-01T00:00:00Z'), code: 2, stderr: /--to/ },
  { name: '--from after --to', args: q('النفط', '--from', '2016-01-01', '--to', '2015-01-01'), code: 0, check: emptyResult },
  { name: 'an unknown --source', args: q('النفط', '--source', '__proto__'), code: 0, check: emptyResult },
  { name: 'a missing index', args: () => ['search', 'النفط', '--index', join(tmp, 'no-index')], code: 1, stderr: /no index at .*run `fahras index/ },
  { name: 'a folder that is not an index', args: () => ['search', 'النفط', '--index', join(tmp, 'seeds')], code: 1, stderr: /no index at .*no CURRENT file/ },
  { name: 'a file as the index', args: () => ['search', 'النفط', '--index', join(ROOT, 'package.json')], code: 1, stderr: /fahras index/ },
  { name: 'a query and --queries', args: () => ['search', 'النفط', '--index', idx.index, '--queries', QUERIES, '--run', join(tmp, 'x.run')], code: 2, stderr: /either a query or --queries/ },
  { name: '--queries without --run', args: () => ['search', '--index', idx.index, '--queries', QUERIES], code: 2, stderr: /--queries needs --run/ },
  { name: '--run without --queries', args: () => ['search', 'النفط', '--index', idx.index, '--run', join(tmp, 'x.run')], code: 2, stderr: /--run needs --queries/ },
  { name: 'a missing --queries file', args: () => ['search', '--index', idx.index, '--queries', join(tmp, 'none.tsv'), '--run', join(tmp, 'x.run')], code: 1 },
  { name: 'a --queries file that is not qid<TAB>query', args: () => ['search', '--index', idx.index, '--queries', NEWS, '--run', join(tmp, 'x.run')], code: 1, stderr: /news\.jsonl:1: expected "qid<TAB>query"/ },
  { name: 'an empty --queries file', args: () => ['search', '--index', idx.index, '--queries', '/dev/null', '--run', join(tmp, 'empty.run')], code: 0, check: (r) => expect(r.stderr).toMatch(/\(0 queries\)/) },
  { name: 'a --run file in a missing folder', args: () => ['search', '--index', idx.index, '--queries', QUERIES, '--run', join(tmp, 'no', 'dir', 'x.run')], code: 1, stderr: /no such file or folder/ },
];

const evalCases: CliCase[] = [
  { name: 'eval without options', args: () => ['eval'], code: 2, stderr: /required option/ },
  { name: 'eval without --qrels', args: () => ['eval', '--docs', NEWS, '--queries', QUERIES], code: 2, stderr: /--qrels/ },
  { name: 'eval of missing files', args: () => ['eval', '--docs', join(tmp, 'none.jsonl'), '--queries', QUERIES, '--qrels', QRELS], code: 1 },
  { name: 'eval of an empty docs folder', args: () => ['eval', '--docs', seed('empty'), '--queries', QUERIES, '--qrels', QRELS], code: 1, stderr: /no documents/ },
  { name: 'eval of malformed docs', args: () => ['eval', '--docs', join(seed('jsonl-all-malformed'), 'a.jsonl'), '--queries', QUERIES, '--qrels', QRELS], code: 1, stderr: /no documents/ },
  { name: 'eval with malformed queries', args: () => ['eval', '--docs', NEWS, '--queries', NEWS, '--qrels', QRELS], code: 1, stderr: /news\.jsonl:1/ },
  { name: 'eval with malformed qrels', args: () => ['eval', '--docs', NEWS, '--queries', QUERIES, '--qrels', join(tmp, 'bad-qrels.txt')], code: 1, stderr: /bad-qrels\.txt:1/ },
  { name: 'eval with binary qrels', args: () => ['eval', '--docs', NEWS, '--queries', QUERIES, '--qrels', join(tmp, 'binary.bin')], code: 1 },
];

const serveCases: CliCase[] = [
  { name: 'serve --port 99999', args: () => ['serve', '--port', '99999', '--index', idx.index], code: 2, stderr: /--port/ },
  { name: 'serve --port -1', args: () => ['serve', '--port', '-1', '--index', idx.index], code: 2, stderr: /--port/ },
  { name: 'serve --port abc', args: () => ['serve', '--port', 'abc', '--index', idx.index], code: 2, stderr: /--port/ },
  { name: 'serve --port 1.5', args: () => ['serve', '--port', '1.5', '--index', idx.index], code: 2, stderr: /--port/ },
  { name: 'serve --port with no value', args: () => ['serve', '--index', idx.index, '--port'], code: 2, stderr: /argument missing/ },
  { name: 'serve a missing index', args: () => ['serve', '--port', '0', '--index', join(tmp, 'no-index')], code: 1, stderr: /no index at .*fahras index/ },
  { name: 'serve a folder that is not an index', args: () => ['serve', '--port', '0', '--index', seed('empty')], code: 1, stderr: /no CURRENT file/ },
  { name: 'serve on a port in use', args: () => ['serve', '--port', String(busyPort), '--index', idx.index], code: 1, stderr: /EADDRINUSE/ },
  { name: 'serve on a host that does not resolve', args: () => ['serve', '--port', '0', '--host', 'no-such-host.invalid', '--index', idx.index], code: 1 },
  { name: 'serve on an address that is not an IP', args: () => ['serve', '--port', '0', '--host', '256.1.1.1', '--index', idx.index], code: 1 },
  // A bad environment variable is a usage error, like a bad flag.
  { name: 'serve with a bad FAHRAS_RATE_LIMIT', args: () => ['serve', '--port', '0', '--index', idx.index], env: { FAHRAS_RATE_LIMIT: '-5' }, code: 2, stderr: /FAHRAS_RATE_LIMIT must be a whole number of requests per minute \(0 = off\), not "-5"$/ },
  { name: 'serve with a bad FAHRAS_LOG_LEVEL', args: () => ['serve', '--port', '0', '--index', idx.index], env: { FAHRAS_LOG_LEVEL: 'loud' }, code: 2, stderr: /FAHRAS_LOG_LEVEL must be one of .*, not "loud"$/ },
  { name: 'serve with a bad FAHRAS_RELOAD_POLL_MS', args: () => ['serve', '--port', '0', '--index', idx.index], env: { FAHRAS_RELOAD_POLL_MS: '1s' }, code: 2, stderr: /FAHRAS_RELOAD_POLL_MS/ },
  { name: 'serve with a bad FAHRAS_CACHE_SIZE', args: () => ['serve', '--port', '0', '--index', idx.index], env: { FAHRAS_CACHE_SIZE: 'many' }, code: 2, stderr: /FAHRAS_CACHE_SIZE must be a whole number/ },
  { name: 'serve with PORT not a number', args: () => ['serve', '--index', idx.index], env: { PORT: 'abc' }, code: 2, stderr: /^fahras: PORT must be a whole number from 0 to 65535, not "abc"$/ },
  { name: 'serve with PORT out of range', args: () => ['serve', '--index', idx.index], env: { PORT: '70000' }, code: 2, stderr: /PORT must be a whole number from 0 to 65535, not "70000"/ },
  { name: 'serve with a bad PORT even when --port is given', args: () => ['serve', '--port', '0', '--index', idx.index], env: { PORT: '3000x' }, code: 2, stderr: /PORT/ },
  { name: 'start with a bad PORT builds nothing', args: () => ['start', '--index', out('start-bad-port'), '--seeds', seed('empty')], env: { PORT: '-1' }, code: 2, stderr: /PORT must be a whole number/, check: () => expect(existsSync(out('start-bad-port'))).toBe(false) },
  { name: 'serve with an extra argument', args: () => ['serve', 'extra', '--port', '0', '--index', idx.index], code: 2 },
  { name: 'start with missing seeds and no index', args: () => ['start', '--port', '0', '--index', out('start-missing'), '--seeds', join(tmp, 'nowhere')], code: 1, stderr: /no such file or folder/ },
  { name: 'start with empty seeds and no index', args: () => ['start', '--port', '0', '--index', out('start-empty'), '--seeds', seed('empty')], code: 1, stderr: /no documents to index/ },
  { name: 'an unknown command', args: () => ['frobnicate'], code: 2, stderr: /unknown command/ },
  { name: 'no command prints the help on stderr', args: () => [], code: 0, stderr: /^Usage: fahras/ },
  { name: 'a lone dash', args: () => ['-'], code: 2 },
];

const ALL: CliCase[] = [...indexCases, ...searchCases, ...evalCases, ...serveCases];

beforeAll(async () => {
  requireBuilt();
  tmp = mkdtempSync(join(tmpdir(), 'fahras-cli-hostile-'));
  for (const [name, files] of Object.entries(SEEDS)) {
    mkdirSync(seed(name), { recursive: true });
    for (const [f, content] of Object.entries(files)) writeFileSync(join(seed(name), f), content);
  }
  mkdirSync(join(tmp, 'out'));
  writeFileSync(join(tmp, 'a-file'), 'x');
  writeFileSync(join(tmp, 'table.csv'), 'id,text\n1,نص\n');
  writeFileSync(join(tmp, 'news-copy.jsonl'), line(GOOD) + '\n');
  writeFileSync(join(tmp, 'bad-qrels.txt'), 'not a qrels line\n');
  writeFileSync(join(tmp, 'binary.bin'), Buffer.from([0, 1, 2, 255, 254, 10, 0]));
  execFileSync('mkfifo', [join(tmp, 'fifo.jsonl')]);
  mkdirSync(join(tmp, 'loop'));
  writeFileSync(join(tmp, 'loop', 'news.jsonl'), execFileSync('cat', [NEWS]));
  symlinkSync('..', join(tmp, 'loop', 'up'));
  symlinkSync('.', join(tmp, 'loop', 'self'));
  idx = await buildFixtureIndex();
  busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  busyPort = (busy.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise((r) => busy?.close(r));
  idx?.cleanup();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('hostile input to the CLI', () => {
  it('covers every command', () => {
    expect(ALL.length).toBeGreaterThanOrEqual(100);
    for (const c of ['index', 'search', 'eval', 'serve', 'start']) expect(ALL.some((k) => k.args()[0] === c), c).toBe(true);
  });

  describe.concurrent('each case', () => {
    it.each(ALL.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const r = await fahras(c.args(), { env: c.env, timeoutMs: 60_000, cwd: tmp });
      const where = `fahras ${c.args().join(' ').slice(0, 200)}\n--- exit ${r.code} signal ${r.signal}\n--- stdout\n${r.stdout.slice(0, 500)}\n--- stderr\n${r.stderr.slice(0, 1500)}`;
      expect(r.timedOut, `${where}\n(timed out)`).toBe(false);
      expect(r.signal, where).toBeNull();
      expect(r.code, where).toBe(c.code);
      expectNoStack(where, r.stdout, r.stderr);
      const notices = r.stderr.split('\n').filter((l) => l.startsWith('skipped '));
      if (c.skipped !== undefined) expect(notices.length, where).toBe(c.skipped);
      for (const n of notices) expect(n, where).toMatch(/^skipped \S.*: \S/);
      if (c.code !== 0) {
        // One line of explanation; commander adds one hint line to usage errors; start logs why it builds first.
        const lines = errorLines(r.stderr).filter((l) => l !== '(run with --help for usage)' && !l.startsWith('building the index from '));
        expect(lines.length, where).toBe(1);
        expect(lines[0], where).toMatch(/^(fahras: |error: )\S/);
        if (c.stderr) expect(lines[0], where).toMatch(c.stderr);
      } else if (c.stderr) expect(r.stderr, where).toMatch(c.stderr);
      if (c.stdout) expect(r.stdout, where).toMatch(c.stdout);
      c.check?.(r);
    });
  });
});

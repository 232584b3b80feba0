/**
 * One error type with a kind: every error the library raises is a FahrasError
 * of the kind its edges expect, and each kind maps to one exit code and one
 * HTTP status. The errors are raised for real (a missing index, a bad search,
 * an empty corpus…), not constructed.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asFahrasError, ERROR_KINDS, EXIT_FAILURE, EXIT_USAGE, FahrasError, type ErrorKind } from '../../src/common/errors.js';
import { parseQueries } from '../../src/eval/trec.js';
import { buildIndex } from '../../src/index/build.js';
import { loadDocuments } from '../../src/ingest/load.js';
import { openIndex, type Searcher } from '../../src/search/searcher.js';
import { httpFailureOf } from '../../src/server/errors.js';

let tmp: string;
let searcher: Searcher;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'fahras-errors-'));
  writeFileSync(join(tmp, 'news.jsonl'), JSON.stringify({ id: 'n1', title: 'أسعار النفط', text: 'تراجعت أسعار النفط في تعاملات الأمس' }) + '\n');
  await buildIndex({ input: join(tmp, 'news.jsonl'), out: join(tmp, 'index') });
  searcher = await openIndex(join(tmp, 'index'));
});

afterAll(() => {
  searcher?.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function thrown(f: () => unknown): Promise<unknown> {
  try {
    await f();
  } catch (e) {
    return e;
  }
  throw new Error('nothing was thrown');
}

describe('library errors', () => {
  const cases: [string, () => unknown, string, ErrorKind][] = [
    ['a missing index', () => openIndex(join(tmp, 'nowhere')), 'IndexError', 'bad_index'],
    ['a limit beyond the library limit', () => searcher.search('النفط', { limit: 5000 }), 'QueryError', 'invalid_parameter'],
    ['an impossible date filter', () => searcher.search('النفط', { filters: { from: '2015-02-30' } }), 'QueryError', 'invalid_parameter'],
    ['an unsupported input file', async () => {
      writeFileSync(join(tmp, 'table.csv'), 'id,text\n1,نص\n');
      for await (const _ of loadDocuments(join(tmp, 'table.csv'))) void _;
    }, 'DocumentLoadError', 'invalid_input'],
    ['a corpus without documents', () => {
      mkdirSync(join(tmp, 'empty'), { recursive: true });
      return buildIndex({ input: join(tmp, 'empty'), out: join(tmp, 'empty-index') });
    }, 'BuildError', 'invalid_input'],
    ['a malformed query file', () => parseQueries('q1\tالنفط\nسطر بلا معرّف', 'q.tsv'), 'TrecFormatError', 'invalid_input'],
  ];

  it.each(cases)('%s is a FahrasError (%s) of kind %s', async (_name, f, name, kind) => {
    const e = await thrown(f);
    expect(e).toBeInstanceOf(FahrasError);
    expect((e as FahrasError).name).toBe(name);
    expect((e as FahrasError).kind).toBe(kind);
    expect(asFahrasError(e)).toBe(e);
  });
});

describe('kinds map once to exit codes and HTTP answers', () => {
  it('usage and parameter errors exit 2, everything else 1', () => {
    for (const [kind, k] of Object.entries(ERROR_KINDS)) {
      expect(k.exitCode, kind).toBe(['usage', 'invalid_parameter', 'too_large'].includes(kind) ? EXIT_USAGE : EXIT_FAILURE);
    }
  });

  it('a client hears the message of a client error, and only a generic sentence of a server-side one', async () => {
    const query = httpFailureOf(await thrown(() => searcher.search('النفط', { offset: -1 })));
    expect(query).toEqual({ status: 400, code: 'invalid_parameter', message: expect.stringMatching(/"offset"/) });
    const index = httpFailureOf(await thrown(() => openIndex(join(tmp, 'nowhere'))));
    expect(index.status).toBe(500);
    expect(index.code).toBe('internal');
    expect(index.message).not.toContain(tmp);
    expect(httpFailureOf(new FahrasError('The index is still loading; try again in a moment.', 'unavailable'))).toMatchObject({ status: 503, code: 'not_ready' });
    expect(httpFailureOf(new FahrasError('No document has the id "x".', 'not_found'))).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('a system error becomes a one-line io error naming the path, answered over HTTP as a plain 500', async () => {
    const e = asFahrasError(await thrown(() => rmSync(join(tmp, 'nowhere', 'file'))));
    expect(e.kind).toBe('io');
    expect(e.message).toBe(`no such file or folder: ${join(tmp, 'nowhere', 'file')}`);
    expect(httpFailureOf(e)).toMatchObject({ status: 500, code: 'internal' });
    expect(httpFailureOf(e).message).not.toContain(tmp);
  });

  it('anything else is internal', () => {
    const e = asFahrasError(new TypeError('x is undefined'));
    expect([e.kind, e.message]).toEqual(['internal', 'x is undefined']);
    expect(httpFailureOf(new TypeError('x is undefined'))).toEqual({ status: 500, code: 'internal', message: expect.not.stringContaining('undefined') });
  });
});

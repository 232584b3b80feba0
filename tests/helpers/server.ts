/** Test helpers: a small index of the seeds plus the server fixture, and servers on ephemeral ports. */
import { cpSync, createReadStream, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { buildIndex } from '../../src/index/build.js';
import { createServer, type RunningServer, type ServerOptions } from '../../src/server/serve.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const FIXTURE = join(ROOT, 'tests', 'fixtures', 'server', 'news.jsonl');

export interface TempIndex {
  /** Temporary folder holding everything (removed by cleanup). */
  dir: string;
  /** The index folder. */
  index: string;
  /** Documents indexed. */
  documents: number;
  cleanup(): void;
}

/** Builds an index of seeds/ plus tests/fixtures/server/news.jsonl in a fresh temporary folder. */
export async function buildFixtureIndex(): Promise<TempIndex> {
  const dir = mkdtempSync(join(tmpdir(), 'fahras-server-'));
  const input = join(dir, 'docs');
  cpSync(join(ROOT, 'seeds'), input, { recursive: true });
  cpSync(FIXTURE, join(input, 'news.jsonl'));
  const index = join(dir, 'index');
  const summary = await buildIndex({ input, out: index });
  return { dir, index, documents: summary.documents, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes documents as JSONL into `dir/name.jsonl` and returns the file. */
export function writeJsonl(dir: string, name: string, docs: Record<string, unknown>[]): string {
  const file = join(dir, `${name}.jsonl`);
  writeFileSync(file, docs.map((d) => JSON.stringify(d)).join('\n') + '\n');
  return file;
}

/** A quiet server on 127.0.0.1 and a free port; rate limiting off unless asked. */
export function startTestServer(opts: Partial<ServerOptions> & { index: string }): Promise<RunningServer> {
  return createServer({ port: 0, host: '127.0.0.1', logLevel: 'silent', rateLimit: 0, corsOrigin: [], ...opts });
}

/**
 * The usual fixture for a test file: the fixture index and a quiet server on it
 * (no watching, no polling), set up before the file's tests and removed after.
 */
export function useFixtureServer(): { readonly idx: TempIndex; readonly srv: RunningServer } {
  let idx: TempIndex | undefined;
  let srv: RunningServer | undefined;
  beforeAll(async () => {
    idx = await buildFixtureIndex();
    srv = await startTestServer({ index: idx.index, watch: false, reloadPollMs: 0 });
  });
  afterAll(async () => {
    await srv?.close();
    idx?.cleanup();
  });
  return {
    get idx() {
      return idx!;
    },
    get srv() {
      return srv!;
    },
  };
}

/** Polls `fn` until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor<T>(fn: () => Promise<T> | T, timeoutMs = 10_000, everyMs = 25): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export function generations(index: string): string[] {
  return readdirSync(index).filter((n) => n.startsWith('gen-'));
}

/** The SaudiNewsNet corpus in the shared data (never copied into the repository). */
export const NEWS_CORPUS = join(ROOT, '..', 'shared', 'data', 'corpora', 'saudinewsnet.jsonl.gz');

/**
 * Builds an index of the first `documents` articles of the SaudiNewsNet corpus
 * (read at test time from the shared data, written to a temporary folder):
 * real news, sources and dates for the tests of the page. The first 7,000
 * hold the same wire stories from several papers (the oil-price story of
 * 2015-07-21 from alweeam and 3alyoum, the Makkah entrances contract from six).
 */
export async function buildNewsIndex(documents = 7000): Promise<TempIndex> {
  const dir = mkdtempSync(join(tmpdir(), 'fahras-news-'));
  const lines: string[] = [];
  const input = createInterface({ input: createReadStream(NEWS_CORPUS).pipe(createGunzip()), crlfDelay: Infinity });
  for await (const line of input) {
    if (line.trim()) lines.push(line);
    if (lines.length >= documents) break;
  }
  input.close();
  mkdirSync(join(dir, 'docs'));
  writeFileSync(join(dir, 'docs', 'news.jsonl'), lines.join('\n') + '\n');
  const index = join(dir, 'index');
  const summary = await buildIndex({ input: join(dir, 'docs'), out: index });
  return { dir, index, documents: summary.documents, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

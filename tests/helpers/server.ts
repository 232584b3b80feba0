/** Test helpers: a small index of the seeds plus the server fixture, and servers on ephemeral ports. */
import { cpSync, createReadStream, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@opensearch-project/opensearch';
import { afterAll, beforeAll, inject } from 'vitest';
import type { EngineKind, OpenSearchSettings } from '../../src/common/defaults.js';
import { buildIndex } from '../../src/index/build.js';
import { buildOpenSearchIndex } from '../../src/engine/opensearch/indexing.js';
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
  /** The engine that holds the index, and how a server reaches it: give `server` to startTestServer. */
  engine: EngineKind;
  server: { index: string; engine: EngineKind; opensearch?: OpenSearchSettings };
  /** The cluster and alias (opensearch engine). */
  opensearch?: OpenSearchSettings;
  cleanup(): void | Promise<void>;
}

/**
 * The engine this vitest project runs the API and page suites against: the local index (project
 * "local"), or fahras on the run's one-node OpenSearch cluster (project "opensearch").
 */
export function fixtureEngine(): EngineKind {
  return inject('fixtureEngine') ?? 'local';
}

let aliases = 0;

/** Settings of a fresh alias of this test file on the run's cluster. */
export function clusterSettings(name = 'fixture'): OpenSearchSettings {
  const url = inject('opensearchUrl');
  if (!url) throw new Error('no OpenSearch cluster in this run: these tests belong to the "opensearch" vitest project');
  return { urls: [url], index: `${name}-${process.pid}-${++aliases}`, checkMs: 250 };
}

/** Deletes every index of an alias's builds. */
export async function dropAlias(s: OpenSearchSettings): Promise<void> {
  const client = new Client({ nodes: s.urls });
  try {
    await client.indices.delete({ index: `${s.index}-*`, allow_no_indices: true, ignore_unavailable: true }).catch(() => undefined);
  } finally {
    await client.close();
  }
}

/**
 * Builds an index of seeds/ plus tests/fixtures/server/news.jsonl: in a fresh temporary folder
 * (always, for tests that read the files), and, for the opensearch engine, into a fresh alias
 * on the run's cluster.
 */
export async function buildFixtureIndex(engine: EngineKind = 'local'): Promise<TempIndex> {
  const dir = mkdtempSync(join(tmpdir(), 'fahras-server-'));
  const input = join(dir, 'docs');
  cpSync(join(ROOT, 'seeds'), input, { recursive: true });
  cpSync(FIXTURE, join(input, 'news.jsonl'));
  return buildFrom(dir, input, engine, 'fixture');
}

/**
 * Builds the documents of `input` into `dir/index`, and for the opensearch engine into a fresh
 * alias named after `name` on the run's cluster too; cleanup removes `dir` (and the alias).
 */
async function buildFrom(dir: string, input: string, engine: EngineKind, name: string): Promise<TempIndex> {
  const index = join(dir, 'index');
  const summary = await buildIndex({ input, out: index });
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  if (engine === 'local') return { dir, index, documents: summary.documents, engine, server: { index, engine }, cleanup: removeDir };
  const opensearch = clusterSettings(name);
  const built = await buildOpenSearchIndex({ input, opensearch, replicas: 0, keep: 0 });
  return {
    dir,
    index,
    documents: built.documents,
    engine,
    opensearch,
    server: { index, engine, opensearch },
    cleanup: async () => {
      removeDir();
      await dropAlias(opensearch);
    },
  };
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
    await idx?.cleanup();
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
export async function buildNewsIndex(documents = 7000, engine: EngineKind = 'local'): Promise<TempIndex> {
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
  return buildFrom(dir, join(dir, 'docs'), engine, 'news');
}

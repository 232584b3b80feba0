/**
 * The `fahras` command with --engine opensearch, end to end (the built CLI, the run's cluster):
 * the same inputs and problem reports as a local build, the same search answers, run files, and
 * one clear line with exit 1 when the cluster or the index is not there.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@opensearch-project/opensearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aliasTargets } from '../../src/engine/opensearch/aliases.js';
import { clusterSettings, dropAlias, ROOT, waitFor } from '../helpers/server.js';

const MAIN = join(ROOT, 'dist/cli/main.js');
const NEWS = join(ROOT, 'tests/fixtures/news.jsonl');
const QUERIES = join(ROOT, 'tests/fixtures/core-eval-queries.tsv');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function fahras(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { cwd: tmp, env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

let tmp: string;
let client: Client;
const news = clusterSettings('cli-news');
const engine = (s = news) => ['--engine', 'opensearch', '--opensearch-url', s.urls.join(','), '--opensearch-index', s.index];
let newsIndex: string;
let built: Run;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'fahras-os-cli-'));
  client = new Client({ nodes: news.urls });
  newsIndex = join(tmp, 'news-index');
  [built] = await Promise.all([fahras(['index', '--input', NEWS, ...engine()]), fahras(['index', '--input', NEWS, '--out', newsIndex])]);
});

afterAll(async () => {
  await dropAlias(news);
  await client?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('fahras index --engine opensearch', () => {
  it('builds a new index, moves the alias to it and prints a summary line', async () => {
    expect(built.code, built.stderr).toBe(0);
    const physical = (await aliasTargets(client, news.index))[0];
    expect(built.stdout).toBe(built.stdout.split('\n')[0] + '\n');
    expect(built.stdout).toMatch(new RegExp(`^indexed 8 documents into ${news.index} → ${physical} \\(0 skipped, 0 refused by the cluster, \\d+ terms, \\d+ word forms, [\\d.]+ s\\)\\n$`));
  });

  it('reports bad records with file and line as a local build does; --strict stops at the first and leaves no alias', async () => {
    const dir = join(tmp, 'bad-docs');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'bad.jsonl'), '{"id":"a","title":"أ","text":"نص عن الطاقة"}\n{"id":"b","text":\n{"id":"c","title":"ج","text":"نص آخر"}\n');
    const lenientAlias = clusterSettings('cli-bad');
    const strictAlias = clusterSettings('cli-strict');
    try {
      const [lenient, strict] = await Promise.all([fahras(['index', '--input', dir, ...engine(lenientAlias)]), fahras(['index', '--input', dir, '--strict', ...engine(strictAlias)])]);
      expect(lenient.code, lenient.stderr).toBe(0);
      expect(lenient.stderr).toContain(`skipped ${join(dir, 'bad.jsonl')}:2:`);
      expect(lenient.stdout).toMatch(/^indexed 2 documents into .*\(1 skipped, 0 refused by the cluster/);
      expect(strict.code).toBe(1);
      expect(strict.stderr).toContain(`${join(dir, 'bad.jsonl')}:2`);
      expect(strict.stderr).not.toContain('    at ');
      expect(await aliasTargets(client, strictAlias.index)).toEqual([]);
      expect((await client.indices.get({ index: `${strictAlias.index}-*` })).body).toEqual({});
    } finally {
      await Promise.all([dropAlias(lenientAlias), dropAlias(strictAlias)]);
    }
  });

  it('refuses --out with the opensearch engine, and --shards with the local one', async () => {
    const r = await fahras(['index', '--input', NEWS, '--out', join(tmp, 'x'), ...engine()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('fahras: --out names a local index folder; with --engine opensearch the index is --opensearch-index\n');
    const l = await fahras(['index', '--input', NEWS, '--out', join(tmp, 'x'), '--shards', '2']);
    expect(l.code).toBe(2);
    expect(l.stderr).toMatch(/--shards applies to --engine opensearch only/);
  });

  it('needs the cluster\'s address, and refuses a bad one in one line', async () => {
    const none = await fahras(['index', '--input', NEWS, '--engine', 'opensearch']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^fahras: the opensearch engine needs the address of the cluster/);
    const bad = await fahras(['index', '--input', NEWS], { FAHRAS_ENGINE: 'opensearch', FAHRAS_OPENSEARCH_URL: 'localhost:9200' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('fahras: FAHRAS_OPENSEARCH_URL must be http:// or https:// URLs separated by commas, not "localhost:9200"\n');
    const alias = await fahras(['index', '--input', NEWS, '--engine', 'opensearch', '--opensearch-url', news.urls[0], '--opensearch-index', 'Fahras News']);
    expect(alias.code).toBe(2);
    expect(alias.stderr).toMatch(/--opensearch-index must be 1 to 100 lowercase letters/);
    const down = await fahras(['index', '--input', NEWS, '--engine', 'opensearch', '--opensearch-url', 'http://127.0.0.1:9']);
    expect(down.code).toBe(1);
    expect(down.stderr).toBe('fahras: cannot build the index in the search cluster at http://127.0.0.1:9: cannot connect (ECONNREFUSED)\n');
  });
});

describe('fahras search --engine opensearch', () => {
  it('prints the same JSON as the local engine but the scores and timing', async () => {
    for (const q of ['الأمن الغذائي', 'الطاقة', '"الأمن الغذائي"', 'الطاق*']) {
      const [a, b] = await Promise.all([fahras(['search', q, '--index', newsIndex, '--json']), fahras(['search', q, '--json', ...engine()])]);
      expect(b.code, b.stderr).toBe(0);
      const strip = (r: Run) => {
        const j = JSON.parse(r.stdout);
        return { ...j, took_ms: 0, hits: j.hits.map((h: { score: number }) => ({ ...h, score: 0 })) };
      };
      expect(strip(b), q).toEqual(strip(a));
    }
  });

  it('writes a TREC run file from a query file', async () => {
    const out = join(tmp, 'os.run');
    const r = await fahras(['search', '--queries', QUERIES, '--run', out, ...engine()]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('(4 queries)');
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(/^\S+ Q0 \S+ \d+ -?\d+\.\d{6} fahras$/);
    expect(lines.find((l) => l.startsWith('q1 '))!.split(' ')[2]).toBe('n1');
  });

  it('exits 1 with one line when the index is missing or the cluster down', async () => {
    const missing = await fahras(['search', 'الطاقة', ...engine({ ...news, index: 'no-such-alias' })]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^fahras: the search cluster at http:\/\/127\.0\.0\.1:\d+ has no index "no-such-alias": build it with fahras index --engine opensearch --opensearch-index no-such-alias\n$/);
    const down = await fahras(['search', 'الطاقة', '--engine', 'opensearch', '--opensearch-url', 'http://127.0.0.1:9,http://127.0.0.1:7']);
    expect(down.code).toBe(1);
    expect(down.stderr).toBe('fahras: cannot reach the search cluster at http://127.0.0.1:9, http://127.0.0.1:7: cannot connect (ECONNREFUSED)\n');
  });
});

describe('fahras serve and start --engine opensearch', () => {
  it('serve exits 1 with one line when the index is missing', async () => {
    const r = await fahras(['serve', '--port', '0', ...engine({ ...news, index: 'no-such-alias' })]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/has no index "no-such-alias"/);
  });

  it('start builds the seeds into a missing alias, then serves them', async () => {
    const s = clusterSettings('cli-start');
    const child = spawn(process.execPath, [MAIN, 'start', '--port', '0', '--seeds', join(ROOT, 'seeds')], {
      cwd: tmp,
      env: { ...process.env, FAHRAS_ENGINE: 'opensearch', FAHRAS_OPENSEARCH_URL: s.urls[0], FAHRAS_OPENSEARCH_INDEX: s.index, FAHRAS_LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    try {
      const url = await waitFor(() => /on (http:\/\/127\.0\.0\.1:\d+)\//.exec(err)?.[1], 60_000);
      expect(err).toMatch(/^building the index from .*seeds: the cluster has no index "cli-start-/);
      expect(err).toMatch(new RegExp(`serving 1 documents from the OpenSearch index "${s.index}" at ${s.urls[0]}`));
      expect(await (await fetch(`${url}/ready`)).json()).toEqual({ status: 'ready', documents: 1 });
    } finally {
      child.kill('SIGTERM');
      await dropAlias(s);
    }
  });
});

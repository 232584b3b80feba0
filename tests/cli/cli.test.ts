/**
 * The `fahras` command end to end: spawns the built CLI (`npm run build` first).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;
const MAIN = join(ROOT, 'dist/cli/main.js');
const SEEDS = join(ROOT, 'seeds');
const NEWS = join(ROOT, 'tests/fixtures/news.jsonl');
const QUERIES = join(ROOT, 'tests/fixtures/core-eval-queries.tsv');
const QRELS = join(ROOT, 'tests/fixtures/core-eval-qrels.txt');
const SEED_ID = '000_007ff8f57a8682c6';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function fahras(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { cwd: tmp, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function expectNoStackTrace(r: Run): void {
  expect(r.stderr).not.toContain('    at ');
  expect(r.stdout).not.toContain('    at ');
}

let tmp: string;
let seedIndex: string;
let newsIndex: string;
let seedBuild: Run;
let newsBuild: Run;

beforeAll(async () => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first`);
  tmp = mkdtempSync(join(tmpdir(), 'fahras-cli-test-'));
  seedIndex = join(tmp, 'seed-index');
  newsIndex = join(tmp, 'news-index');
  [seedBuild, newsBuild] = await Promise.all([
    fahras('index', '--input', SEEDS, '--out', seedIndex),
    fahras('index', '--input', NEWS, '--out', newsIndex),
  ]);
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe.concurrent('fahras index', () => {
  it('indexes seeds/ and prints a summary line', () => {
    expect(seedBuild.code, seedBuild.stderr).toBe(0);
    expect(seedBuild.stdout).toMatch(new RegExp(`^indexed 1 documents into ${seedIndex} \\(0 skipped, \\d+ terms, \\d+ word forms, [\\d.]+ MB, [\\d.]+ s\\)\\n$`));
    expect(existsSync(join(seedIndex, 'CURRENT'))).toBe(true);
  });

  it('indexes a JSONL file', () => {
    expect(newsBuild.code, newsBuild.stderr).toBe(0);
    expect(newsBuild.stdout).toMatch(/^indexed 8 documents into .*\(0 skipped/);
  });

  it('--strict stops at a bad line with file:line; without it the line is skipped and counted', async () => {
    const dir = join(tmp, 'bad-docs');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'bad.jsonl'), '{"id":"a","title":"أ","text":"نص عن الطاقة"}\n{"id":"b","text":\n{"id":"c","title":"ج","text":"نص آخر"}\n');
    const [strict, lenient] = await Promise.all([
      fahras('index', '--input', dir, '--out', join(tmp, 'bad-strict'), '--strict'),
      fahras('index', '--input', dir, '--out', join(tmp, 'bad-lenient')),
    ]);
    expect(strict.code).not.toBe(0);
    expect(strict.stderr).toContain(`${join(dir, 'bad.jsonl')}:2`);
    expectNoStackTrace(strict);
    expect(existsSync(join(tmp, 'bad-strict', 'CURRENT'))).toBe(false);
    expect(lenient.code, lenient.stderr).toBe(0);
    expect(lenient.stderr).toContain(`skipped ${join(dir, 'bad.jsonl')}:2:`);
    expect(lenient.stdout).toMatch(/^indexed 2 documents into .*\(1 skipped/);
  });

  it('fails with a clear message on an empty folder', async () => {
    const empty = join(tmp, 'empty');
    mkdirSync(empty, { recursive: true });
    const r = await fahras('index', '--input', empty, '--out', join(tmp, 'empty-out'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^fahras: no documents to index in/);
    expectNoStackTrace(r);
  });
});

describe.concurrent('fahras search', () => {
  it('--json prints the result as JSON', async () => {
    const r = await fahras('search', 'الإرهاب', '--index', seedIndex, '--json');
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.total).toBe(1);
    expect(result.hits.map((h: { id: string }) => h.id)).toEqual([SEED_ID]);
    expect(result.hits[0].snippet).toContain('<mark>الإرهاب</mark>');
    // The seed has no source (counted under the empty string) and no date.
    expect(result.facets).toEqual({ source: { '': 1 }, sourceOthers: { sources: 0, documents: 0 }, date: { granularity: 'day', counts: {}, undated: 1 } });
  });

  it('passes mode, source, dates, limit and offset through', async () => {
    const [filtered, dated] = await Promise.all([
      // mode all: n2 and n3 hold both words; source aljazeera keeps n3; the facet still counts bbc
      fahras('search', 'الأمن الغذائي', '--index', newsIndex, '--json', '--mode', 'all', '--source', 'aljazeera', '--limit', '5', '--offset', '0'),
      fahras('search', 'الطاقة', '--index', newsIndex, '--json', '--from', '2024-03-06', '--to', '2024-12-31', '--limit', '1', '--offset', '0'),
    ]);
    const hitIds = (r: Run): string[] => JSON.parse(r.stdout).hits.map((h: { id: string }) => h.id);
    expect(filtered.code, filtered.stderr).toBe(0);
    expect(hitIds(filtered)).toEqual(['n3']);
    expect(JSON.parse(filtered.stdout).facets.source).toEqual({ aljazeera: 1, bbc: 1 });
    expect(hitIds(dated)).toEqual(['n5']);
    expect(JSON.parse(dated.stdout).total).toBe(1);
  });

  it('prints plain text with the highlighted word', async () => {
    const r = await fahras('search', 'الولايات', '--index', seedIndex);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^1 result \([\d.]+ ms\)$/);
    expect(r.stdout).toContain(`1. مشاورات عراقية أميركية لتدشين مرحلة جديدة في التعاون الأمني  [${SEED_ID},`);
    expect(r.stdout).toContain('[والولايات]');
    expect(r.stdout).not.toContain('<mark>');
    expect(r.stdout).not.toContain('&quot;');
  });

  it('--queries with --run writes a TREC run file', async () => {
    const out = join(tmp, 'out.run');
    const r = await fahras('search', '--index', newsIndex, '--queries', QUERIES, '--run', out, '--limit', '100');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('(4 queries)');
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    const byQuery = new Map<string, string[][]>();
    for (const line of lines) {
      expect(line).toMatch(/^\S+ Q0 \S+ \d+ -?\d+\.\d{6} fahras$/);
      const f = line.split(' ');
      byQuery.set(f[0], [...(byQuery.get(f[0]) ?? []), f]);
    }
    expect([...byQuery.keys()]).toEqual(['q1', 'q2', 'q3', 'q4']);
    for (const rows of byQuery.values()) {
      expect(rows.map((f) => Number(f[3]))).toEqual(rows.map((_, i) => i + 1));
      const scores = rows.map((f) => Number(f[4]));
      for (let i = 1; i < scores.length; i++) expect(scores[i - 1]).toBeGreaterThanOrEqual(scores[i]);
    }
    expect(byQuery.get('q1')![0][2]).toBe('n1');
    expect(byQuery.get('q2')![0][2]).toBe('n7');
    expect(existsSync(`${out}.tmp-`)).toBe(false);
  });

  it('a missing index exits 1 with a clear message', async () => {
    const r = await fahras('search', 'الإرهاب', '--index', join(tmp, 'no-index'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^fahras: no index at .*no-index.*run `fahras index/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expectNoStackTrace(r);
    expect(r.stdout).toBe('');
  });

});

describe.concurrent('fahras eval', () => {
  it('indexes a collection, runs its queries and prints the metrics', async () => {
    const run = join(tmp, 'eval.run');
    const r = await fahras('eval', '--docs', NEWS, '--queries', QUERIES, '--qrels', QRELS, '--run', run);
    expect(r.code, r.stderr).toBe(0);
    // q1 and q2 find their one relevant document first; q3 finds n6 first but never n99; q4 has no relevant judgment
    // MRR@10 = (1 + 1 + 1) / 3; R@10 = (1 + 1 + 0.5) / 3 = 0.833; nDCG@10 = (1 + 1 + 1 / (1 + 1/log2 3)) / 3 = 0.871; MAP@10 = (1 + 1 + 0.5) / 3
    expect(r.stdout).toContain('queries 3 (skipped 1)');
    expect(r.stdout).toContain('MRR@10 1.000');
    expect(r.stdout).toContain('R@10 0.833');
    expect(r.stdout).toContain('R@100 0.833');
    expect(r.stdout).toContain('nDCG@10 0.871');
    expect(r.stdout).toContain('MAP@10 0.833');
    expect(readFileSync(run, 'utf8')).toMatch(/^q1 Q0 n1 1 /);
  });

  it('a malformed qrels file exits 1 naming file and line', async () => {
    const bad = join(tmp, 'bad-qrels.txt');
    writeFileSync(bad, 'q1 0 n1 1\nq2 n7\n');
    const r = await fahras('eval', '--docs', NEWS, '--queries', QUERIES, '--qrels', bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad}:2`);
    expectNoStackTrace(r);
  });
});

describe.concurrent('help and usage', () => {
  it('--help works for the program and every command', async () => {
    const commands = ['index', 'search', 'eval', 'serve', 'start'];
    const runs = await Promise.all([fahras('--help'), ...commands.map((c) => fahras(c, '--help'))]);
    expect(runs[0].code).toBe(0);
    expect(runs[0].stdout).toContain('Usage: fahras');
    for (const c of commands) expect(runs[0].stdout).toContain(c);
    commands.forEach((c, i) => {
      const r = runs[i + 1];
      expect(r.code, c).toBe(0);
      expect(r.stdout).toContain(`Usage: fahras ${c}`);
      expect(r.stdout).toContain('--help');
    });
    expect(runs[2].stdout).toContain('--queries');
    expect(runs[3].stdout).toContain('--qrels');
  });

  it.each([
    ['no query', ['search']],
    ['a limit that is not a number', ['search', 'الأمن', '--limit', 'abc']],
    ['a date that is not YYYY-MM-DD', ['search', 'الأمن', '--from', '2024/01/01']],
    ['an unknown command', ['frobnicate']],
    ['eval without its required options', ['eval']],
  ])('%s is a usage error: exit 2 with a message', async (_d, args) => {
    const r = await fahras(...(args as string[]));
    expect(r.code).toBe(2);
    expect(r.stderr.trim().length).toBeGreaterThan(0);
    expectNoStackTrace(r);
  });
});

/**
 * Two builds of fahras side by side in one process, over the same index and
 * the fixed query log (bench/querylog.ts): the baseline (`--base <dist>`, e.g.
 * main's snapshot from bench/snapshot.ts) and the build under test (dist/, or
 * FAHRAS_BENCH_DIST). Each loop — top 10 with snippets, top 10 ids only —
 * runs `--rounds` times per build, the builds taking turns, so a noisy
 * neighbour hurts both alike; the per-query times of all rounds are pooled.
 * First, every answer of both builds is compared (JSON, `took_ms` aside):
 * any difference is printed and fails the run.
 *
 *   npx tsx bench/query-ab.ts --base bench/out/rev-<sha>/dist [--scale 4] [--rounds 3] [--only new]
 *   (--only new|base times one build alone, e.g. under `node --cpu-prof`)
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST, arg, ensureDirs, fx, header, indexDir, percentile, ratio, scaleArg, table, type FahrasLib } from './common.js';
import { makeQueryLog } from './querylog.js';

type Searcher = Awaited<ReturnType<FahrasLib['openIndex']>>;

const scale = scaleArg();
const rounds = Number(arg('rounds', '3'));
const only = arg('only');
const baseDist = arg('base');
if (!baseDist && only !== 'new') throw new Error('--base <dist> is required (npx tsx bench/snapshot.ts --rev main prints one)');

async function open(dist: string): Promise<Searcher> {
  const lib = (await import(pathToFileURL(join(resolve(dist), 'lib.js')).href)) as FahrasLib;
  return lib.openIndex(indexDir(scale));
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/**
 * Per-query milliseconds of one pass over `queries` (after a warm-up on the
 * first 200): wall time, and the process's CPU time (user + system), which a
 * busy machine disturbs less — a query preempted for another process's turn
 * is not charged for the wait.
 */
function pass(queries: string[], fn: (q: string) => unknown): { wall: number[]; cpu: number[] } {
  for (let i = 0; i < 200; i++) fn(queries[i]);
  gc();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (const q of queries) {
    const c = process.cpuUsage();
    const a = performance.now();
    fn(q);
    wall.push(performance.now() - a);
    const d = process.cpuUsage(c);
    cpu.push((d.user + d.system) / 1000);
  }
  return { wall, cpu };
}

function summary(t: number[]): { p50: number; p95: number; p99: number; mean: number } {
  const s = Float64Array.from(t).sort();
  return { p50: percentile(s, 0.5), p95: percentile(s, 0.95), p99: percentile(s, 0.99), mean: t.reduce((a, b) => a + b, 0) / t.length };
}

const answer = (s: Searcher, q: string, snippets: boolean): string => JSON.stringify({ ...s.search(q, { limit: 10, snippets }), took_ms: 0 });

ensureDirs();
const { queries } = await makeQueryLog(scale);
header(`Two builds side by side, ${scale}× (${queries.length} queries, ${rounds} rounds each, turns taken)`);
const builds: [string, Searcher][] = [];
if (only !== 'new') builds.push([`base ${baseDist}`, await open(baseDist!)]);
if (only !== 'base') builds.push([`new ${DIST}`, await open(DIST)]);

if (builds.length === 2) {
  let differ = 0;
  for (const q of queries) {
    for (const snippets of [true, false]) {
      const [a, b] = builds.map(([, s]) => answer(s, q, snippets));
      if (a !== b && differ++ < 5) console.log(`DIFFERENT answer (snippets ${snippets}) to ${JSON.stringify(q)}:\n  base ${a.slice(0, 400)}\n  new  ${b.slice(0, 400)}`);
    }
  }
  console.log(differ ? `${differ} answers differ` : `all ${2 * queries.length} answers identical`);
  if (differ) process.exitCode = 1;
}

const loops: [string, (s: Searcher, q: string) => unknown][] = [
  ['top-10 + snippets', (s, q) => s.search(q, { limit: 10 })],
  ['top-10, ids only', (s, q) => s.search(q, { limit: 10, snippets: false })],
];
const times = new Map<string, { wall: number[]; cpu: number[] }>();
for (let r = 0; r < rounds; r++) {
  for (const [loop, fn] of loops) {
    for (const [name, s] of r % 2 ? [...builds].reverse() : builds) {
      const key = `${loop} | ${name}`;
      const t = pass(queries, (q) => fn(s, q));
      const all = times.get(key) ?? { wall: [], cpu: [] };
      times.set(key, { wall: [...all.wall, ...t.wall], cpu: [...all.cpu, ...t.cpu] });
    }
  }
}
for (const clock of ['wall', 'cpu'] as const) {
  const rows: (string | number)[][] = [['loop', 'build', 'p50 ms', 'p95 ms', 'p99 ms', 'mean ms', 'p50 vs base', 'p99 vs base', 'mean vs base']];
  for (const [loop] of loops) {
    const base = builds.length === 2 ? summary(times.get(`${loop} | ${builds[0][0]}`)![clock]) : undefined;
    for (const [name] of builds) {
      const l = summary(times.get(`${loop} | ${name}`)![clock]);
      rows.push([loop, name.split(' ')[0], fx(l.p50, 3), fx(l.p95, 3), fx(l.p99, 3), fx(l.mean, 3), base ? ratio(l.p50, base.p50) : '', base ? ratio(l.p99, base.p99) : '', base ? ratio(l.mean, base.mean) : '']);
    }
  }
  console.log(`\n${clock === 'wall' ? 'Wall time' : 'CPU time of the process (user + system)'} per query:\n` + table(rows));
}

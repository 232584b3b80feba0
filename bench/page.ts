/**
 * What the search page's new work costs, against the code before it (a
 * compiled baseline, e.g. main made by bench/snapshot.ts) in the same
 * invocation, on the same index and query log (bench/querylog.ts):
 *
 *   - suggest, in process: the log's 1–4-letter prefixes (nothing typed
 *     before them), and the same prefixes after the other words of their
 *     query («أسعار النف»: completions counted among the documents matching
 *     the words before);
 *   - suggest over HTTP, one request at a time: GET /api/suggest on a server
 *     of each build (`fahras serve`, cache and rate limit as configured);
 *   - searches with a misspelled word (the log's queries with a letter of
 *     their longest word doubled, as in «السعوودي»): the baseline as it
 *     answers, the new code with correction on (the page's and API's default);
 *   - search top-10 with snippets: the baseline; the new code as the library
 *     default (counts by day included), with near-duplicates folded, newest
 *     first, and both.
 *
 * Each loop is timed twice: wall clock (bench/query.ts's timeLoop) and the
 * process's CPU time per call (less moved by other work on a shared machine).
 *
 *   npx tsx bench/snapshot.ts --rev <baseline commit>     # prints its dist
 *   npm run build && npx tsx bench/page.ts --scale 4 --baseline bench/out/rev-<sha>/dist [--skip-http]
 *   (re-runs itself with --max-old-space-size=16384 --expose-gc)
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST, OUT, arg, ensureDirs, ensureHeap, flag, fx, header, indexDir, percentile, ratio, scaleArg, table, type FahrasLib } from './common.js';
import { makeQueryLog, mulberry32 } from './querylog.js';
import { timeLoop, type Latency } from './query.js';
import { startServer } from './startup.js';

type Searcher = Awaited<ReturnType<FahrasLib['openIndex']>>;

async function open(dist: string, dir: string): Promise<Searcher> {
  const lib = (await import(pathToFileURL(join(dist, 'lib.js')).href)) as FahrasLib;
  return lib.openIndex(dir);
}

/** Each query's words but the last, then a 1–4-letter prefix of the last: what has been typed when a suggestion is asked for. */
function contextInputs(queries: string[]): string[] {
  const rand = mulberry32(7);
  const out: string[] = [];
  for (const q of queries) {
    const words = q.split(' ');
    if (words.length < 2) continue;
    const last = words[words.length - 1];
    out.push(`${words.slice(0, -1).join(' ')} ${last.slice(0, 1 + Math.floor(rand() * 4))}`);
  }
  return out;
}

/** Each query with a letter of its longest word (five letters or more) doubled; queries without one left out. */
function misspelled(queries: string[]): string[] {
  const rand = mulberry32(11);
  const out: string[] = [];
  for (const q of queries) {
    const words = q.split(' ');
    const i = words.reduce((best, w, j) => (w.length > words[best].length ? j : best), 0);
    const w = words[i];
    if (w.length < 5) continue;
    const at = 2 + Math.floor(rand() * (w.length - 3));
    words[i] = w.slice(0, at) + w[at] + w.slice(at);
    out.push(words.join(' '));
  }
  return out;
}

/** CPU time of this process per call (ms), after the same warm-up as timeLoop. */
function cpuLoop(name: string, items: string[], fn: (x: string) => unknown, warm = 200): Latency {
  for (const x of items.slice(0, warm)) fn(x);
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const t: number[] = [];
  const t0 = cpu();
  for (const x of items) {
    const a = cpu();
    fn(x);
    t.push(cpu() - a);
  }
  const total = cpu() - t0;
  const sorted = Float64Array.from(t).sort();
  const l = { p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), p99: percentile(sorted, 0.99), mean: t.reduce((a, b) => a + b, 0) / t.length, max: sorted[sorted.length - 1], qps: (t.length * 1000) / total, n: t.length };
  console.log(`  ${name} (CPU): p50 ${fx(l.p50, 3)} ms, p99 ${fx(l.p99, 3)} ms`);
  return l;
}

/** The loop timed by wall clock (`key`) and by CPU time (`key` + "Cpu"). */
function both(res: Record<string, Latency | undefined>, key: string, name: string, items: string[], fn: (x: string) => unknown): void {
  res[key] = timeLoop(name, items, fn);
  res[`${key}Cpu`] = cpuLoop(name, items, fn);
}

/** Sequential GET requests, latency per request as the client sees it (ms). */
async function httpLoop(name: string, port: number, paths: string[], warm = 200): Promise<Latency> {
  for (const p of paths.slice(0, warm)) await (await fetch(`http://127.0.0.1:${port}${p}`)).arrayBuffer();
  const t: number[] = [];
  const t0 = performance.now();
  for (const p of paths) {
    const a = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}${p}`);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${p}: ${res.status}`);
    t.push(performance.now() - a);
  }
  const wall = performance.now() - t0;
  const sorted = Float64Array.from(t).sort();
  const l = { p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), p99: percentile(sorted, 0.99), mean: t.reduce((a, b) => a + b, 0) / t.length, max: sorted[sorted.length - 1], qps: (t.length * 1000) / wall, n: t.length };
  console.log(`  ${name}: p50 ${fx(l.p50, 3)} ms, p99 ${fx(l.p99, 3)} ms, ${fx(l.qps, 0)}/s`);
  return l;
}

const row = (name: string, l: Latency | undefined, base?: Latency): (string | number)[] => [
  name,
  fx(l?.p50 ?? NaN, 3),
  fx(l?.p95 ?? NaN, 3),
  fx(l?.p99 ?? NaN, 3),
  fx(l?.qps ?? NaN, 0),
  base && l ? ratio(l.p50, base.p50) : '',
  base && l ? ratio(l.p99, base.p99) : '',
];

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureHeap();
  ensureDirs();
  const scale = scaleArg();
  const baselineDist = arg('baseline');
  if (!baselineDist) throw new Error('--baseline <dist> is required: compile one with `npx tsx bench/snapshot.ts --rev <commit>`');
  const dir = indexDir(scale);
  const { queries, prefixes } = await makeQueryLog(scale);
  const inContext = contextInputs(queries);
  const typos = misspelled(queries);
  header(`Search page work in process, ${scale}× (${queries.length} queries, ${inContext.length} inputs with words before the prefix, ${typos.length} misspelled queries)`);
  const [base, now] = [await open(resolve(baselineDist), dir), await open(DIST, dir)];
  console.log(`baseline ${resolve(baselineDist)}, now ${DIST}: ${now.size} documents`);

  const res: Record<string, Latency | undefined> = {};
  const corrected = typos.filter((q) => now.search(q, { limit: 0, correct: true }).correction).length;
  console.log(`misspelled queries answered for a correction: ${corrected} of ${typos.length}`);

  both(res, 'baseSuggest', 'baseline suggest (prefix alone)', prefixes, (p) => base.suggest(p, 10));
  both(res, 'suggest', 'now suggest (prefix alone)', prefixes, (p) => now.suggest(p, 10));
  both(res, 'baseSuggestContext', 'baseline suggest (words before)', inContext, (p) => base.suggest(p, 10));
  both(res, 'suggestContext', 'now suggest (words before)', inContext, (p) => now.suggest(p, 10));
  both(res, 'baseTypos', 'baseline search, misspelled', typos, (q) => base.search(q, { limit: 10 }));
  both(res, 'typos', 'now search, misspelled, correct on', typos, (q) => now.search(q, { limit: 10, correct: true }));
  both(res, 'baseSearch', 'baseline search', queries, (q) => base.search(q, { limit: 10 }));
  both(res, 'search', 'now search (counts by day)', queries, (q) => now.search(q, { limit: 10 }));
  both(res, 'collapse', 'now search, near-duplicates folded', queries, (q) => now.search(q, { limit: 10, collapse: true }));
  both(res, 'newest', 'now search, newest first', queries, (q) => now.search(q, { limit: 10, sort: 'newest' }));
  both(res, 'page', 'now search, folded and newest first', queries, (q) => now.search(q, { limit: 10, collapse: true, sort: 'newest' }));
  base.close();
  now.close();

  if (!flag('skip-http')) {
    const paths = inContext.map((p) => `/api/suggest?q=${encodeURIComponent(p)}`);
    for (const [key, cli] of [
      ['httpBase', join(resolve(baselineDist), 'cli', 'main.js')],
      ['http', join(DIST, 'cli', 'main.js')],
    ] as const) {
      const srv = await startServer(dir, 120_000, cli);
      if (!srv.ok) throw new Error(`serve failed: ${srv.error}`);
      try {
        res[key] = await httpLoop(`${key === 'http' ? 'now' : 'baseline'} GET /api/suggest (words before)`, srv.port, paths);
      } finally {
        await srv.stop();
      }
    }
  }

  const rows: (string | number)[][] = [['', 'p50 ms', 'p95 ms', 'p99 ms', 'q/s', 'p50 vs base', 'p99 vs base', 'CPU p50 ms', 'CPU p99 ms', 'CPU p50 vs base', 'CPU p99 vs base']];
  const line = (name: string, key: string, baseKey?: string) => {
    const cpu = res[`${key}Cpu`];
    const baseCpu = baseKey ? res[`${baseKey}Cpu`] : undefined;
    rows.push([...row(name, res[key], baseKey ? res[baseKey] : undefined), fx(cpu?.p50 ?? NaN, 3), fx(cpu?.p99 ?? NaN, 3), baseCpu && cpu ? ratio(cpu.p50, baseCpu.p50) : '', baseCpu && cpu ? ratio(cpu.p99, baseCpu.p99) : '']);
  };
  line('suggest, prefix alone: baseline', 'baseSuggest');
  line('suggest, prefix alone: now', 'suggest', 'baseSuggest');
  line('suggest, words before: baseline', 'baseSuggestContext');
  line('suggest, words before: now', 'suggestContext', 'baseSuggestContext');
  if (res.http) {
    rows.push(row('GET /api/suggest, words before: baseline', res.httpBase));
    rows.push(row('GET /api/suggest, words before: now', res.http, res.httpBase));
  }
  line('misspelled search: baseline', 'baseTypos');
  line('misspelled search: now, corrected', 'typos', 'baseTypos');
  line('search top-10 + snippets: baseline', 'baseSearch');
  line('search: now (counts by day)', 'search', 'baseSearch');
  line('search: now, folded', 'collapse', 'baseSearch');
  line('search: now, newest first', 'newest', 'baseSearch');
  line('search: now, folded + newest', 'page', 'baseSearch');
  console.log('\n' + table(rows));
  const outFile = join(OUT, `page-${scale}x.json`);
  writeFileSync(outFile, JSON.stringify({ scale, baseline: resolve(baselineDist), queries: queries.length, inContext: inContext.length, typos: typos.length, corrected, results: res }, null, 1));
  console.log(`wrote ${outFile}`);
}

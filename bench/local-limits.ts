/**
 * The scale curve of the local engine: fahras's local mode on the SaudiNewsNet corpus tiled
 * (1×, 4×, 16×: up to ~490,000 articles), measuring what grows with the collection —
 *   - the build streamed from disk (`fahras index` in a child: wall time, peak RSS);
 *   - the index on disk, in total and by kind of file (postings, positions, store…);
 *   - opening it: `fahras serve` spawn → /ready, and `openIndex` in a fresh node (median of --runs);
 *   - searches in process over the fixed query log (bench/query.ts's loop): top 10 with
 *     snippets, and ids only;
 *   - `fahras serve` with the result cache off (every request searches) at --connections
 *     (default 50) for --duration seconds after a 5 s warm-up: req/s, p50/p99, errors, and the
 *     server's RSS at ready and after the load, and its CPU time per request; then bare node:http
 *     answering a constant JSON at the same connections for 5 s, the loopback ceiling of the moment
 *     (the machine is shared: it calibrates the HTTP figures of each run).
 * Each scale writes bench/out/local-limits-<scale>x.json (with the commit and the load average at
 * its start and end); every run then gathers all of them into bench/out/scale-curve.json with the
 * growth exponents between neighbouring sizes, log(y2/y1) / log(n2/n1) over the article counts
 * (1 = linear, 0 = flat, negative = falls). One scale per invocation keeps each under the bench
 * lock for a few minutes; `--report` only gathers. The README's advice on when to move to an
 * OpenSearch cluster is drawn from these figures.
 *
 *   npm run build && npx tsx bench/local-limits.ts --scales 1 [--connections 50] [--duration 20] [--runs 3]
 *   npx tsx bench/local-limits.ts --report
 *   npx tsx bench/local-limits.ts --scales 16 --cpu-prof   (a profile of the server under the load, in
 *     bench/out/prof/serve-16x/, for bench/profile-summary.ts; its figures go to local-limits-16x-prof.json)
 *   (the corpus of a scale is $FAHRAS_BENCH_TMP/snn-<scale>x.jsonl, tiled there if missing)
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MB, OUT, TMP, arg, ensureDirs, ensureHeap, flag, fx, header, indexDir, libraryEntry, loadFahras, procCpuSeconds, procStatus, revision, table } from './common.js';
import { CORPUS_1X, tile } from './corpus.js';
import { buildFahras, type FahrasBuild } from './build.js';
import { hammer, startBaseline, type LoadRun } from './http.js';
import { timeLoop, type Latency } from './query.js';
import { makeQueryLog } from './querylog.js';
import { openRuns, startServer, type OpenRun } from './startup.js';

interface Step {
  scale: number;
  commit: string;
  /** Load average (1, 5, 15 min) when the scale's run started and when it ended. */
  loadStart: number[];
  loadEnd: number[];
  build: FahrasBuild;
  /** Bytes on disk by kind of file, summed over segments (`s1.postings.bin` → `postings.bin`). */
  filesByKind: Record<string, number>;
  /** `openIndex` in a fresh node, medians. */
  open: OpenRun;
  /** Matches per query of the log, mean: what a search has to walk grows with it. */
  meanMatches: number;
  snippets: Latency;
  idsOnly: Latency;
  readySeconds: number;
  rssAtReady: number;
  rssAfterLoad: number;
  connections: number;
  load: LoadRun;
  /** The server's CPU (user + system) during the measured load, divided by the requests answered. */
  cpuMsPerRequest: number;
  /** req/s of bare node:http answering a constant JSON at the same connections, just after: the machine's loopback ceiling at that moment. */
  ceilingRps: number;
}

/** The quantities whose growth is reported, by name. */
const QUANTITIES: [string, (s: Step) => number][] = [
  ['build s', (s) => s.build.seconds],
  ['build peak RSS', (s) => s.build.peakRss],
  ['index bytes', (s) => s.build.indexBytes],
  ['serve → /ready', (s) => s.readySeconds],
  ['openIndex', (s) => s.open.openS],
  ['RSS after openIndex', (s) => s.open.rss],
  ['serve RSS at ready', (s) => s.rssAtReady],
  ['serve RSS after load', (s) => s.rssAfterLoad],
  ['matches per query', (s) => s.meanMatches],
  ['p50 with snippets', (s) => s.snippets.p50],
  ['p99 with snippets', (s) => s.snippets.p99],
  ['p50 ids only', (s) => s.idsOnly.p50],
  ['p99 ids only', (s) => s.idsOnly.p99],
  ['HTTP req/s', (s) => s.load.rps],
  ['HTTP p50', (s) => s.load.p50],
  ['HTTP p99', (s) => s.load.p99],
  ['server CPU per request', (s) => s.cpuMsPerRequest],
];

export function growthExponent(n1: number, y1: number, n2: number, y2: number): number {
  return Math.log(y2 / y1) / Math.log(n2 / n1);
}

const load = (): number[] => loadavg().map((x) => Number(x.toFixed(2)));
const errorsOf = (r: LoadRun): number => r.errors + r.timeouts + r.non2xx;

async function measure(scale: number, connections: number, duration: number, runs: number, paths: string[], queries: string[], cpuProf: boolean): Promise<Step> {
  const loadStart = load();
  const input = scale === 1 ? CORPUS_1X : join(TMP, `snn-${scale}x.jsonl`);
  if (!existsSync(input)) {
    process.stderr.write(`writing ${input}…\n`);
    await tile(scale, input);
  }
  const build = await buildFahras(scale, input);
  const dir = indexDir(scale);
  const filesByKind: Record<string, number> = {};
  for (const [name, bytes] of Object.entries(build.files)) {
    const kind = name.replace(/^s\d+\./, '');
    filesByKind[kind] = (filesByKind[kind] ?? 0) + bytes;
  }
  const open = await openRuns('open-fahras.js', { BENCH_DIST: pathToFileURL(libraryEntry()).href, BENCH_DIR: dir }, runs);
  if (!open) throw new Error(`openIndex failed at ${scale}×`);

  const s = await (await loadFahras()).openIndex(dir);
  let matches = 0;
  for (const q of queries) matches += s.search(q, { limit: 10, snippets: false }).total;
  const snippets = timeLoop('search + snippets', queries, (q) => s.search(q, { limit: 10 }));
  const idsOnly = timeLoop('search, ids only', queries, (q) => s.search(q, { limit: 10, snippets: false }));
  s.close();
  (globalThis as { gc?: () => void }).gc?.();

  // --cpu-prof: the server writes a V8 CPU profile when it stops (profiling slows it: such a run is kept apart).
  const srv = await startServer(dir, undefined, undefined, {}, cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${join(OUT, 'prof', `serve-${scale}x`)}`] : []);
  if (!srv.ok) throw new Error(`serve failed at ${scale}×: ${srv.error}`);
  let run: LoadRun;
  let rssAfterLoad: number;
  let cpuMs: number;
  try {
    await hammer(srv.port, paths, connections, 5);
    const cpu0 = procCpuSeconds(srv.pid);
    run = await hammer(srv.port, paths, connections, duration);
    cpuMs = ((procCpuSeconds(srv.pid) - cpu0) * 1000) / run.requests;
    rssAfterLoad = procStatus(srv.pid).rss;
  } finally {
    await srv.stop();
  }
  const bare = await startBaseline(undefined);
  const ceiling = await hammer(bare.port, paths, connections, 5);
  await bare.stop();
  rmSync(dir, { recursive: true, force: true });
  return {
    scale,
    commit: revision(),
    loadStart,
    loadEnd: load(),
    build,
    filesByKind,
    open,
    meanMatches: matches / queries.length,
    snippets,
    idsOnly,
    readySeconds: srv.seconds,
    rssAtReady: srv.rssAtReady,
    rssAfterLoad,
    connections,
    load: run,
    cpuMsPerRequest: cpuMs,
    ceilingRps: ceiling.rps,
  };
}

/** Every scale measured so far (one file each), smallest first. */
function gathered(): Step[] {
  return readdirSync(OUT)
    .filter((f) => /^local-limits-\d+x\.json$/.test(f))
    .map((f) => JSON.parse(readFileSync(join(OUT, f), 'utf8')) as Step)
    .sort((a, b) => a.scale - b.scale);
}

function report(steps: Step[]): void {
  const cols = (f: (s: Step) => string | number): (string | number)[] => steps.map(f);
  const scales = steps.map((s) => `${s.scale}×`);
  const kinds = [...new Set(steps.flatMap((s) => Object.keys(s.filesByKind)))].sort();
  console.log(
    '\n' +
      table([
        ['', ...scales],
        ['articles', ...cols((s) => s.build.docs)],
        ['commit', ...cols((s) => s.commit)],
        ['load average at start → end (1 min)', ...cols((s) => `${s.loadStart[0]} → ${s.loadEnd[0]}`)],
        ['build s', ...cols((s) => fx(s.build.seconds, 1))],
        ['build peak RSS MB', ...cols((s) => MB(s.build.peakRss))],
        ['index MiB', ...cols((s) => MB(s.build.indexBytes))],
        ...kinds.map((k) => [`  ${k} MiB`, ...cols((s) => MB(s.filesByKind[k] ?? NaN))]),
        ['serve → /ready s', ...cols((s) => fx(s.readySeconds, 2))],
        ['openIndex s (fresh node)', ...cols((s) => fx(s.open.openS, 3))],
        ['RSS after openIndex MB', ...cols((s) => MB(s.open.rss))],
        ['serve RSS at ready → after load MB', ...cols((s) => `${MB(s.rssAtReady)} → ${MB(s.rssAfterLoad)}`)],
        ['matches per query (mean)', ...cols((s) => fx(s.meanMatches, 0))],
        ['in process, snippets p50 / p99 ms', ...cols((s) => `${fx(s.snippets.p50, 3)} / ${fx(s.snippets.p99, 3)}`)],
        ['in process, ids only p50 / p99 ms', ...cols((s) => `${fx(s.idsOnly.p50, 3)} / ${fx(s.idsOnly.p99, 3)}`)],
        ['HTTP connections', ...cols((s) => s.connections)],
        ['HTTP req/s', ...cols((s) => fx(s.load.rps, 0))],
        ['HTTP p50 / p99 ms', ...cols((s) => `${s.load.p50} / ${s.load.p99}`)],
        ['HTTP errors (of requests)', ...cols((s) => `${errorsOf(s.load)} (of ${s.load.requests})`)],
        ['server CPU per request ms', ...cols((s) => fx(s.cpuMsPerRequest, 2))],
        ['ceiling: node:http constant JSON req/s', ...cols((s) => fx(s.ceilingRps, 0))],
      ]),
  );
  const pairs = steps.slice(1).map((b, i) => [steps[i], b] as const);
  const growth = QUANTITIES.map(([name, y]) => ({ name, exponents: pairs.map(([a, b]) => growthExponent(a.build.docs, y(a), b.build.docs, y(b))) }));
  if (pairs.length) {
    console.log(`\nGrowth exponents, log(y2/y1) / log(n2/n1) over articles (1 = linear):\n`);
    console.log(table([['quantity', ...pairs.map(([a, b]) => `${a.scale}× → ${b.scale}×`)], ...growth.map((g) => [g.name, ...g.exponents.map((e) => fx(e, 2))])]));
  }
  const file = join(OUT, 'scale-curve.json');
  writeFileSync(file, JSON.stringify({ steps, growth: growth.map((g) => ({ ...g, between: pairs.map(([a, b]) => [a.scale, b.scale]) })) }, null, 1));
  console.log(`wrote ${file}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureHeap();
  ensureDirs();
  if (!flag('report')) {
    const scales = (arg('scales', '1') ?? '').split(',').map(Number);
    const connections = Number(arg('connections', '50'));
    const duration = Number(arg('duration', '20'));
    const runs = Number(arg('runs', '3'));
    header(`Local engine at ${scales.map((s) => `${s}×`).join(', ')}: HTTP at ${connections} connections for ${duration} s, result cache off`);
    const { queries } = await makeQueryLog(1);
    const paths = queries.map((q) => `/api/search?q=${encodeURIComponent(q)}&limit=10`);
    process.env.FAHRAS_CACHE_SIZE = '0';
    for (const scale of scales) {
      const s = await measure(scale, connections, duration, runs, paths, queries, flag('cpu-prof'));
      console.log(`${scale}×: ${s.build.docs} articles, build ${fx(s.build.seconds, 1)} s, ${fx(s.load.rps, 0)} req/s, load ${s.loadStart.join(' ')} → ${s.loadEnd.join(' ')}`);
      writeFileSync(join(OUT, `local-limits-${scale}x${flag('cpu-prof') ? '-prof' : ''}.json`), JSON.stringify(s, null, 1));
    }
  }
  if (!flag('cpu-prof')) report(gathered());
}

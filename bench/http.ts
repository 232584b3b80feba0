/**
 * HTTP throughput and latency of `fahras serve` on loopback with autocannon:
 * --duration seconds (default 30) at 10 and at 50 connections, every request
 * the next query of the fixed log (`/api/search?q=…`, top 10 with snippets).
 * Rate limiting and logging are off (FAHRAS_RATE_LIMIT=0, FAHRAS_LOG_LEVEL=silent). The result
 * cache keeps its setting (FAHRAS_CACHE_SIZE, default 1000): with a 1,000-query log every request
 * after the first pass is a hit; run with FAHRAS_CACHE_SIZE=0 to make every request search.
 * Baselines in the same invocation, same load and query log:
 *   - MiniSearch behind bare node:http (`ms.search(q).slice(0, 10)` as JSON);
 *   - bare node:http answering a constant JSON body (the loopback/harness ceiling).
 * The load generator shares the machine's 2 cores with the server.
 *
 *   npx tsx bench/http.ts [--scale 1|4] [--duration 30] [--connections 10,50] [--processes 1,2] [--skip-baseline]
 *     [--encodings identity,gzip] [--before path/to/dist/cli/main.js] [--cpu-prof]
 *   (--processes: fahras with each number of serving processes in turn, default 1; RSS sums them)
 *   (--encodings: fahras once per Accept-Encoding: identity sends none, as a plain client does;
 *   gzip sends `Accept-Encoding: gzip`, as browsers do)
 *   (--before: the same runs on another build of the server first, e.g. main's dist, in the same
 *   invocation)
 *   (--cpu-prof: a V8 CPU profile of each fahras server in bench/out/prof/http-<scale>x/, for
 *   bench/profile-summary.ts and bench/profile-split.ts)
 *   (--skip-baseline skips MiniSearch, not the constant-JSON ceiling)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, MB, OUT, arg, childProgram, ensureDirs, flag, freePort, fx, header, indexDir, miniSearchJson, procStatus, ratio, sleep, spawnQuiet, table, type Scale } from './common.js';
import { ensureIndexes, startServer } from './startup.js';
import { makeQueryLog } from './querylog.js';

interface Histogram {
  average: number;
  p50: number;
  p99: number;
  p2_5?: number;
  max: number;
}
interface CannonResult {
  requests: Histogram & { total: number };
  latency: Histogram;
  throughput: Histogram;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  duration: number;
  statusCodeStats?: Record<string, { count: number }>;
}
type Cannon = (opts: Record<string, unknown>) => Promise<CannonResult>;

export interface LoadRun {
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  requests: number;
  ok: number;
  non2xx: number;
  /** Answers by HTTP status. */
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  mbPerSecond: number;
}

async function autocannon(): Promise<Cannon> {
  const name = 'autocannon'; // untyped package: imported by name at run time
  const mod = (await import(name)) as { default: Cannon };
  return mod.default;
}

export async function hammer(port: number, paths: string[], connections: number, duration: number, headers: Record<string, string> = {}): Promise<LoadRun> {
  const run = await autocannon();
  let i = 0;
  const r = await run({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration,
    headers,
    requests: [
      {
        method: 'GET',
        setupRequest: (req: Record<string, unknown>) => ({ ...req, path: paths[i++ % paths.length] }),
      },
    ],
  });
  return {
    connections,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    max: r.latency.max,
    requests: r.requests.total,
    ok: r['2xx'],
    non2xx: r.non2xx,
    statuses: Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([code, s]) => [code, s.count])),
    errors: r.errors,
    timeouts: r.timeouts,
    mbPerSecond: r.throughput.average / 1048576,
  };
}

async function startBaseline(json: string | undefined): Promise<{ port: number; pid: number; stop: () => Promise<void>; seconds: number }> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawnQuiet(process.execPath, ['--max-old-space-size=16384', childProgram('minisearch-server.js')], { env: { ...process.env, BENCH_PORT: String(port), BENCH_JSON: json ?? '' } });
  child.stdout!.resume();
  child.stderr!.resume();
  let exited = false;
  const exit = new Promise<void>((r) => child.on('exit', () => ((exited = true), r())));
  for (;;) {
    if (exited) throw new Error('baseline server exited');
    try {
      const r = await fetch(`http://127.0.0.1:${port}/ready`);
      await r.arrayBuffer();
      if (r.ok) break;
    } catch {
      // not yet
    }
    await sleep(50);
  }
  return {
    port,
    pid: child.pid!,
    seconds: (performance.now() - t0) / 1000,
    stop: async () => {
      child.kill('SIGTERM');
      await exit;
    },
  };
}

interface ServerRuns {
  name: string;
  runs: LoadRun[];
  rssStart: number;
  rssEnd: number;
  hwm: number;
  error?: string;
}

async function measure(name: string, port: number, pid: number, paths: string[], conns: number[], duration: number, headers: Record<string, string> = {}): Promise<ServerRuns> {
  const rssStart = procStatus(pid).rss;
  const runs: LoadRun[] = [];
  for (const c of conns) {
    // A short warm-up at this concurrency, then the measured run.
    await hammer(port, paths, c, Math.min(5, duration), headers);
    const r = await hammer(port, paths, c, duration, headers);
    console.log(`  ${name} @${c}: ${fx(r.rps, 0)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, non-2xx ${r.non2xx}, errors ${r.errors}`);
    runs.push(r);
  }
  const st = procStatus(pid);
  return { name, runs, rssStart, rssEnd: st.rss, hwm: st.hwm };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureDirs();
  const scale = Number(arg('scale', '1')) as Scale;
  const duration = Number(arg('duration', '30'));
  const conns = (arg('connections', '10,50') ?? '10,50').split(',').map(Number);
  // Serving processes of `fahras serve --processes N`, each count a server of its own, in this order.
  const processCounts = (arg('processes', '1') ?? '1').split(',').map(Number);
  await ensureIndexes(scale, !flag('skip-baseline'));
  const { queries } = await makeQueryLog(scale);
  const paths = queries.map((q) => `/api/search?q=${encodeURIComponent(q)}&limit=10`);
  header(`HTTP, ${scale}× (${duration} s per run, connections ${conns.join(', ')}, ${paths.length} rotating queries)`);
  console.log(`result cache: FAHRAS_CACHE_SIZE=${process.env.FAHRAS_CACHE_SIZE ?? '(default, 1000)'}`);

  const encodings = (arg('encodings', 'identity') ?? 'identity').split(',');
  const before = arg('before', '');
  const all: ServerRuns[] = [];
  for (const [build, cli] of [...(before ? [['fahras (before)', before]] : []), ['fahras', CLI]]) {
    for (const n of processCounts) {
      const label = n === 1 ? build : `${build}, ${n} processes`;
      // One server per encoding: each starts with an empty result cache.
      for (const encoding of encodings) {
        const name = encoding === 'identity' ? label : `${label}, ${encoding}`;
        const profDir = join(OUT, 'prof', `http-${scale}x`, name.replace(/[^a-z0-9]+/gi, '-'));
        const srv = await startServer(indexDir(scale), undefined, cli, { FAHRAS_PROCESSES: String(n) }, flag('cpu-prof') ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []);
        if (!srv.ok) {
          console.log(`${name}: fahras serve is not available: ${srv.error}`);
          all.push({ name, runs: [], rssStart: NaN, rssEnd: NaN, hwm: NaN, error: srv.error });
          continue;
        }
        console.log(`${name}: serve ready in ${fx(srv.seconds, 2)} s`);
        all.push(await measure(name, srv.port, srv.pid, paths, conns, duration, encoding === 'identity' ? {} : { 'accept-encoding': encoding }));
        await srv.stop();
      }
    }
  }
  if (!flag('skip-baseline')) {
    const ms = await startBaseline(miniSearchJson(scale));
    console.log(`MiniSearch http ready in ${fx(ms.seconds, 2)} s`);
    all.push(await measure('MiniSearch + node:http', ms.port, ms.pid, paths, conns, duration));
    await ms.stop();
  }
  // The loopback ceiling is cheap and always measured: it calibrates a noisy machine.
  const bare = await startBaseline(undefined);
  all.push(await measure('node:http constant JSON', bare.port, bare.pid, paths, conns, duration));
  await bare.stop();

  const rows: (string | number)[][] = [['server', 'conns', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'non-2xx', 'errors', 'MB/s', 'RSS start MB', 'RSS end MB']];
  for (const s of all) {
    for (const r of s.runs) rows.push([s.name, r.connections, fx(r.rps, 0), r.p50, r.p99, r.max, r.non2xx, r.errors + r.timeouts, fx(r.mbPerSecond, 1), MB(s.rssStart), MB(s.rssEnd)]);
  }
  console.log('\n' + table(rows));
  const f = all.find((s) => s.name === 'fahras');
  const m = all.find((s) => s.name.startsWith('MiniSearch'));
  if (f?.runs.length && m?.runs.length) {
    for (let k = 0; k < conns.length; k++) console.log(`fahras / MiniSearch @${conns[k]}: req/s ${ratio(f.runs[k].rps, m.runs[k].rps)}, p99 ${ratio(f.runs[k].p99, m.runs[k].p99)}`);
  }
  // Each run against the same build's identity run, and the build against the one before.
  const compare = (a: ServerRuns | undefined, b: ServerRuns | undefined): void => {
    if (!a?.runs.length || !b?.runs.length || a === b) return;
    for (let k = 0; k < conns.length; k++) console.log(`${a.name} / ${b.name} @${conns[k]}: req/s ${ratio(a.runs[k].rps, b.runs[k].rps)}, p99 ${ratio(a.runs[k].p99, b.runs[k].p99)}`);
  };
  for (const e of encodings.slice(1)) for (const s of all.filter((s) => s.name.endsWith(`, ${e}`))) compare(s, all.find((t) => t.name === s.name.slice(0, -`, ${e}`.length)));
  for (const s of all.filter((s) => s.name.startsWith('fahras (before)'))) compare(all.find((t) => t.name === s.name.replace('fahras (before)', 'fahras')), s);
  const outFile = join(OUT, `http-${scale}x${flag('skip-baseline') ? '-nobaseline' : ''}.json`);
  writeFileSync(outFile, JSON.stringify({ scale, duration, conns, servers: all }, null, 1));
  console.log(`wrote ${outFile}`);
}

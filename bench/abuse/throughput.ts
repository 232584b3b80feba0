/**
 * What taking turns costs normal load: `fahras serve` of a baseline build
 * (e.g. main, without turns or per-connection back-pressure) and of the build
 * under test over the same index, driven alike by autocannon at
 * `--connections` over the query log (`/api/search?q=…`), rate limit off,
 * with the result cache on and off. One load generator is one client: the
 * per-client share of search time is off (FAHRAS_CLIENT_CPU_MS=0); turns
 * and back-pressure are what is measured. The builds take turns, run by run
 * (`--rounds`), so the machine's load falls on both alike; the server's CPU
 * time per request (from /proc) is what a request costs whatever that load.
 *
 *   npx tsx bench/abuse/throughput.ts --base bench/out/rev-<main>/dist --index /tmp/fahras-rel/new-1x [--connections 50] [--duration 20] [--rounds 2]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DIST, OUT, arg, ensureDirs, fx, median, table } from '../common.js';
import { makeQueryLog } from '../querylog.js';
import { serveDist } from './serve.js';

interface Cannon {
  requests: { average: number; total: number };
  /** The server's CPU time per request answered, ms: what a request costs, whatever the machine's load. */
  cpuMsPerRequest?: number;
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}

async function cannon(url: string, paths: string[], connections: number, duration: number): Promise<Cannon> {
  const name = 'autocannon'; // untyped package: imported by name at run time
  const run = ((await import(name)) as { default: (o: Record<string, unknown>) => Promise<Cannon> }).default;
  let i = 0;
  return run({ url, connections, duration, requests: [{ method: 'GET', setupRequest: (req: Record<string, unknown>) => ({ ...req, path: paths[i++ % paths.length] }) }] });
}

async function main(): Promise<void> {
  const base = resolve(arg('base')!);
  const index = arg('index', '/tmp/fahras-rel/new-1x')!;
  const connections = Number(arg('connections', '50'));
  const duration = Number(arg('duration', '20'));
  const rounds = Number(arg('rounds', '2'));
  const qf = join(OUT, 'queries-1.txt');
  const queries = existsSync(qf) ? readFileSync(qf, 'utf8').split('\n').filter(Boolean) : (await makeQueryLog(1)).queries;
  const paths = queries.map((q) => `/api/search?q=${encodeURIComponent(q)}`);
  const results: Record<string, Cannon[]> = {};
  for (let r = 0; r < rounds; r++) {
    for (const cache of ['1000', '0']) {
      for (const [label, dist] of [['baseline', base], ['under test', DIST]] as const) {
        const srv = await serveDist(dist, index, { FAHRAS_RATE_LIMIT: '0', FAHRAS_CLIENT_CPU_MS: '0', FAHRAS_CACHE_SIZE: cache });
        try {
          await cannon(srv.url, paths, 4, 3); // warm-up
          const cpu0 = srv.cpu();
          const c = await cannon(srv.url, paths, connections, duration);
          c.cpuMsPerRequest = ((srv.cpu() - cpu0) * 1000) / Math.max(1, c.requests.total);
          (results[`${label}, cache ${cache === '0' ? 'off' : 'on'}`] ??= []).push(c);
          console.log(`round ${r + 1}, ${label}, cache ${cache === '0' ? 'off' : 'on'}: ${fx(c.requests.average, 0)} req/s, p50 ${c.latency.p50} ms, p99 ${c.latency.p99} ms, server CPU ${fx(c.cpuMsPerRequest, 3)} ms a request, non-2xx ${c.non2xx}, errors ${c.errors}`);
        } finally {
          await srv.stop();
        }
      }
    }
  }
  const rows = [['build', 'req/s (median of rounds)', 'p50 ms', 'p99 ms', 'server CPU ms a request', 'non-2xx', 'errors']];
  for (const [k, runs] of Object.entries(results)) {
    const med = (f: (c: Cannon) => number, d: number) => fx(median(runs.map(f)), d);
    rows.push([k, med((c) => c.requests.average, 0), med((c) => c.latency.p50, 0), med((c) => c.latency.p99, 0), med((c) => c.cpuMsPerRequest ?? NaN, 3), String(runs.reduce((a, c) => a + c.non2xx, 0)), String(runs.reduce((a, c) => a + c.errors, 0))]);
  }
  console.log(`${connections} connections, ${duration} s a run, ${rounds} rounds; baseline ${base}, under test ${DIST}`);
  console.log(table(rows));
  ensureDirs();
  writeFileSync(join(OUT, `throughput-${connections}.json`), JSON.stringify(results, null, 1));
}

await main();

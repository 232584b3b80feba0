/**
 * Query latency of fahras on OpenSearch against fahras's local index, on the same corpus and the
 * same fixed query log (bench/querylog.ts), in the same invocation:
 *
 *  - in-process, one query at a time: `LocalEngine.search` vs `OpenSearchEngine.search` (top 10
 *    with snippets; the cluster ranks, fahras highlights the returned page), and `suggest`;
 *    200 warm-up queries, then the 1,000 of the log; p50 / p95 / p99;
 *  - over HTTP: `fahras serve` on each engine, autocannon at --connections for --duration s,
 *    rotating the log, with the result cache off (every request searches) and on (default).
 *
 * The cluster: --nodes 1 (one shard) or 3 (three primaries, one replica, dfs_query_then_fetch),
 * started from the repository's launcher on this machine: it shares the 2 cores with fahras and
 * the load generator.
 *
 *   npm run build && npx tsx bench/opensearch-query.ts [--scale 1|4] [--nodes 1|3] [--heap 1g] [--duration 20] [--connections 10]
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST, OUT, arg, ensureDirs, fx, header, indexDir, percentile, ratio, scaleArg, table } from './common.js';
import { corpusFor } from './corpus.js';
import { hammer, type LoadRun } from './http.js';
import { benchCluster, buildIntoCluster, serveChild } from './opensearch-common.js';
import { makeQueryLog } from './querylog.js';
import { ensureIndexes } from './startup.js';

interface Engine {
  search(q: string, o: { limit: number }): Promise<unknown>;
  suggest(q: string): Promise<unknown>;
  start(): Promise<void>;
  close(): Promise<void>;
}

interface Latency {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

async function timeAll(items: readonly string[], fn: (q: string) => Promise<unknown>): Promise<Latency> {
  const ms: number[] = [];
  for (const q of items) {
    const t0 = performance.now();
    await fn(q);
    ms.push(performance.now() - t0);
  }
  const sorted = Float64Array.from(ms).sort();
  return { p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), p99: percentile(sorted, 0.99), mean: ms.reduce((a, b) => a + b, 0) / ms.length };
}

ensureDirs();
const scale = scaleArg();
const nodes = Number(arg('nodes', '1'));
const heap = arg('heap', '1g')!;
const duration = Number(arg('duration', '20'));
const connections = Number(arg('connections', '10'));
header(`Queries: fahras on OpenSearch (${nodes} node(s)) vs the local index, ${scale}×`);

await ensureIndexes(scale, false);
const input = await corpusFor(scale);
const { queries, prefixes } = await makeQueryLog(scale);
const cluster = await benchCluster(nodes, heap);
try {
  const built = await buildIntoCluster(cluster.urls, 'bench', input, nodes === 1 ? 1 : 3, nodes === 1 ? 0 : 1);
  console.log(`built ${built.docs} documents into ${built.index} in ${fx(built.seconds, 1)} s`);
  const local = (await import(pathToFileURL(join(DIST, 'engine', 'local.js')).href)) as typeof import('../src/engine/local.js');
  const remote = (await import(pathToFileURL(join(DIST, 'engine', 'opensearch', 'engine.js')).href)) as typeof import('../src/engine/opensearch/engine.js');
  const engines: [string, Engine][] = [
    ['local', new local.LocalEngine(indexDir(scale), { watch: false, pollMs: 0 })],
    ['opensearch', new remote.OpenSearchEngine({ urls: cluster.urls, index: 'bench', checkMs: 1000 })],
  ];
  const inProcess: Record<string, { search: Latency; suggest: Latency }> = {};
  for (const [name, e] of engines) {
    await e.start();
    await timeAll(queries.slice(0, 200), (q) => e.search(q, { limit: 10 }));
    inProcess[name] = { search: await timeAll(queries, (q) => e.search(q, { limit: 10 })), suggest: await timeAll(prefixes, (p) => e.suggest(p)) };
    await e.close();
    console.log(`${name}: search p50 ${fx(inProcess[name].search.p50)} ms, p99 ${fx(inProcess[name].search.p99)} ms; suggest p50 ${fx(inProcess[name].suggest.p50)} ms, p99 ${fx(inProcess[name].suggest.p99)} ms`);
  }

  const paths = queries.map((q) => `/api/search?q=${encodeURIComponent(q)}&limit=10`);
  const http: { engine: string; cache: string; run: LoadRun }[] = [];
  for (const cache of ['0', '1000']) {
    for (const [name, env] of [
      ['local', { FAHRAS_INDEX: indexDir(scale) }],
      ['opensearch', { FAHRAS_ENGINE: 'opensearch', FAHRAS_OPENSEARCH_URL: cluster.urls.join(','), FAHRAS_OPENSEARCH_INDEX: 'bench' }],
    ] as const) {
      const srv = await serveChild({ ...env, FAHRAS_CACHE_SIZE: cache });
      try {
        await hammer(srv.port, paths, connections, Math.min(5, duration));
        const run = await hammer(srv.port, paths, connections, duration);
        console.log(`HTTP ${name}, cache ${cache}: ${fx(run.rps, 0)} req/s, p50 ${run.p50} ms, p99 ${run.p99} ms, non-2xx ${run.non2xx}, errors ${run.errors}`);
        http.push({ engine: name, cache, run });
      } finally {
        await srv.stop();
      }
    }
  }

  const l = inProcess.local;
  const o = inProcess.opensearch;
  console.log(
    '\n' +
      table([
        ['in-process, one at a time', 'local p50 ms', 'local p99 ms', 'OpenSearch p50 ms', 'OpenSearch p99 ms', 'p50 ratio', 'p99 ratio'],
        ['search, top 10 with snippets', fx(l.search.p50), fx(l.search.p99), fx(o.search.p50), fx(o.search.p99), ratio(o.search.p50, l.search.p50), ratio(o.search.p99, l.search.p99)],
        ['suggest', fx(l.suggest.p50, 3), fx(l.suggest.p99, 3), fx(o.suggest.p50), fx(o.suggest.p99), ratio(o.suggest.p50, l.suggest.p50), ratio(o.suggest.p99, l.suggest.p99)],
      ]),
  );
  console.log(
    '\n' +
      table([
        [`HTTP, ${connections} connections, ${duration} s`, 'result cache', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors'],
        ...http.map((h) => [h.engine, h.cache === '0' ? 'off' : '1,000', fx(h.run.rps, 0), h.run.p50, h.run.p99, h.run.non2xx, h.run.errors + h.run.timeouts]),
      ]),
  );
  const file = join(OUT, `opensearch-query-${scale}x-${nodes}n.json`);
  writeFileSync(file, JSON.stringify({ scale, nodes, heap, duration, connections, build: built, inProcess, http }, null, 1));
  console.log(`wrote ${file}`);
} finally {
  await cluster.stop();
}

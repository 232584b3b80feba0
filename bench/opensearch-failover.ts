/**
 * Failover and rebuilds under load, the long form of tests/opensearch/failover.test.ts: fahras
 * (`fahras serve` in a child, result cache off so every request reaches the cluster) on three
 * nodes, three primaries and one replica each, holding the first --docs articles of the 1× corpus
 * (default 10,000, so that a full rebuild ends inside the run on this shared 2-core machine);
 * 20 connections rotating the fixed query log (bench/querylog.ts) for --duration s (default 60,
 * longer when a rebuild is still running, and 10 s past its end):
 *
 *  1. `kill -9` of node 1 a third of the way in; after the run the node is restarted and the time
 *     to green measured, then a short run checks fahras still serves;
 *  2. a full rebuild (`fahras index --engine opensearch`, the default keep of 1) started 5 s in,
 *     moving the alias mid-run; then a second rebuild with --keep 0, after which the original
 *     physical index must be gone.
 *
 * Every request's status is counted (0 = no answer); p50 / p99 / max of all requests.
 *
 *   npm run build && npx tsx bench/opensearch-failover.ts [--docs 10000] [--duration 60] [--heap 1g]
 */
import { createWriteStream, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { OUT, TMP, arg, ensureDirs, header, table } from './common.js';
import { CORPUS_1X, jsonLines } from './corpus.js';
import { benchCluster, buildIntoCluster, serveChild, type ClusterBuild } from './opensearch-common.js';
import { makeQueryLog } from './querylog.js';
import { runLoad, type LoadResult } from '../tests/opensearch/load.js';

/** The first `n` records of the 1× corpus, as a file. */
async function slice(n: number): Promise<string> {
  const out = join(TMP, `snn-first-${n}.jsonl`);
  const w = createWriteStream(out);
  let count = 0;
  for await (const line of jsonLines(CORPUS_1X)) {
    if (!line.trim()) continue;
    if (!w.write(line + '\n')) await once(w, 'drain');
    if (++count === n) break;
  }
  w.end();
  await once(w, 'finish');
  return out;
}

ensureDirs();
const docs = Number(arg('docs', '10000'));
const duration = Number(arg('duration', '60')) * 1000;
const heap = arg('heap', '1g')!;
const connections = 20;
header(`Failover under load: 3 nodes, 3 primaries × 2 copies, ${docs} articles, ${connections} connections, ${duration / 1000} s runs, result cache off`);

const input = await slice(docs);
const { queries } = await makeQueryLog(1);
const paths = queries.map((q) => `/api/search?q=${encodeURIComponent(q)}&limit=10`);
const cluster = await benchCluster(3, heap);
const client = cluster.client();
const rows: (string | number)[][] = [['run', 'requests', 'req/s', 'failed', 'p50 ms', 'p99 ms', 'max ms', 'what happened']];
const results: Record<string, unknown> = {};
const row = (name: string, r: LoadResult, what: string) => {
  rows.push([name, r.requests, r.rate, r.failed ? JSON.stringify(r.failures) : 0, r.p50, r.p99, r.max, what]);
  results[name] = { ...r, what };
  console.log(`${name}: ${JSON.stringify(r)} — ${what}`);
};
try {
  const first = await buildIntoCluster(cluster.urls, 'bench', input, 3, 1);
  console.log(`built ${first.docs} documents into ${first.index} in ${first.seconds.toFixed(1)} s`);
  const srv = await serveChild({ FAHRAS_ENGINE: 'opensearch', FAHRAS_OPENSEARCH_URL: cluster.urls.join(','), FAHRAS_OPENSEARCH_INDEX: 'bench', FAHRAS_CACHE_SIZE: '0' });
  try {
    row('baseline (no failure)', await runLoad({ base: srv.url, paths, connections, durationMs: Math.min(duration, 20_000) }), 'the same load with nothing happening');

    let killedAt = 0;
    const kill = await runLoad({
      base: srv.url,
      paths,
      connections,
      durationMs: duration,
      events: [{ atMs: duration / 3, run: async () => ((killedAt = performance.now()), await cluster.killNode(1)) }],
    });
    row('kill -9 of a data node', kill, `node-1 killed ${(duration / 3000).toFixed(0)} s in`);
    const t0 = performance.now();
    await cluster.restartNode(1);
    const green = (performance.now() - t0) / 1000;
    results.greenAfterRestartSeconds = green;
    results.killToRestartSeconds = (t0 - killedAt) / 1000;
    row('after the restart', await runLoad({ base: srv.url, paths, connections, durationMs: 10_000 }), `node-1 restarted, green again in ${green.toFixed(1)} s`);

    /** A load of `duration` with a full rebuild started 5 s in. */
    const rebuildUnderLoad = async (extra: string[]) => {
      let built: ClusterBuild | undefined;
      const load = await runLoad({ base: srv.url, paths, connections, durationMs: duration, afterEventsMs: 10_000, events: [{ atMs: 5000, run: async () => (built = await buildIntoCluster(cluster.urls, 'bench', input, 3, 1, extra)) }] });
      return { load, built: built! };
    };
    const second = await rebuildUnderLoad([]);
    row('rebuild + alias move', second.load, `rebuilt in ${second.built.seconds.toFixed(1)} s, alias moved to ${second.built.index}; ${first.index} kept for rollback`);
    const third = await rebuildUnderLoad(['--keep', '0']);
    const gone = await Promise.all([first.index, second.built.index].map(async (i) => !(await client.indices.exists({ index: i })).body));
    row('rebuild --keep 0', third.load, `rebuilt in ${third.built.seconds.toFixed(1)} s; earlier indices gone: ${gone.every(Boolean)}`);
    results.oldIndicesGone = gone.every(Boolean);
  } finally {
    await srv.stop();
  }
} finally {
  await client.close();
  await cluster.stop();
}
console.log('\n' + table(rows));
const file = join(OUT, 'opensearch-failover.json');
writeFileSync(file, JSON.stringify({ docs, duration, connections, heap, results }, null, 1));
console.log(`wrote ${file}`);

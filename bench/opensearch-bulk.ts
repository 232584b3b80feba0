/**
 * Bulk indexing into OpenSearch: `fahras index --engine opensearch` (a child process: read,
 * analyse, bulk with back-pressure, the word list, replicas, alias move) into a fresh cluster of
 * one node (one shard, no replica) and of three nodes (three primaries, one replica each), against
 * the local build `fahras index --out` of the same input, in the same invocation.
 *
 *   npm run build && npx tsx bench/opensearch-bulk.ts [--scale 1|4] [--nodes 1,3] [--heap 1g]
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, MB, OUT, TMP, arg, dirBytes, ensureDirs, fx, header, ratio, runMeasured, scaleArg, table } from './common.js';
import { corpusFor } from './corpus.js';
import { benchCluster, buildIntoCluster, type ClusterBuild } from './opensearch-common.js';

ensureDirs();
const scale = scaleArg();
const nodeCounts = (arg('nodes', '1,3') ?? '1,3').split(',').map(Number);
const heap = arg('heap', '1g')!;
const input = await corpusFor(scale);
header(`Bulk indexing into OpenSearch, ${scale}× (nodes ${nodeCounts.join(', ')}, heap ${heap} per node)`);

// The baseline: a local build of the same input, now.
const out = join(TMP, `bulk-local-${scale}x`);
rmSync(out, { recursive: true, force: true });
const local = await runMeasured(process.execPath, [CLI, 'index', '--input', input, '--out', out, '--quiet']);
if (local.code !== 0) throw new Error(local.stderr);
const localDocs = Number(/indexed (\d+) documents/.exec(local.stdout)?.[1]);
const localBytes = dirBytes(out);
rmSync(out, { recursive: true, force: true });
console.log(`local: ${localDocs} documents in ${fx(local.seconds, 1)} s (${fx(localDocs / local.seconds, 0)} docs/s), peak RSS ${MB(local.peakRss)} MB, ${MB(localBytes)} MiB on disk`);

const builds: { nodes: number; shards: number; replicas: number; build: ClusterBuild }[] = [];
for (const nodes of nodeCounts) {
  const cluster = await benchCluster(nodes, heap);
  try {
    const shards = nodes === 1 ? 1 : 3;
    const replicas = nodes === 1 ? 0 : 1;
    const build = await buildIntoCluster(cluster.urls, 'bench', input, shards, replicas);
    console.log(`${nodes} node(s): ${build.docs} documents in ${fx(build.seconds, 1)} s (${fx(build.docsPerSecond, 0)} docs/s), fahras peak RSS ${MB(build.peakRss)} MB, store ${MB(build.primaryBytes)} MiB primaries, ${MB(build.totalBytes)} MiB with replicas, word list ${MB(build.lexiconBytes)} MiB`);
    builds.push({ nodes, shards, replicas, build });
  } finally {
    await cluster.stop();
  }
}

const rows: (string | number)[][] = [['build', 'docs', 'seconds', 'docs/s', 'vs local', 'fahras peak RSS MB', 'index MiB (primaries, with the word list)', 'index MiB (all copies)']];
rows.push(['local folder', localDocs, fx(local.seconds, 1), fx(localDocs / local.seconds, 0), '1.00×', MB(local.peakRss), MB(localBytes), MB(localBytes)]);
for (const b of builds) {
  rows.push([`OpenSearch ${b.nodes} node(s), ${b.shards} shard(s) × ${b.replicas + 1}`, b.build.docs, fx(b.build.seconds, 1), fx(b.build.docsPerSecond, 0), ratio(b.build.docsPerSecond, localDocs / local.seconds), MB(b.build.peakRss), MB(b.build.primaryBytes + b.build.lexiconBytes), MB(b.build.totalBytes + b.build.lexiconTotalBytes)]);
}
console.log('\n' + table(rows));
const file = join(OUT, `opensearch-bulk-${scale}x.json`);
writeFileSync(file, JSON.stringify({ scale, heap, local: { docs: localDocs, seconds: local.seconds, peakRss: local.peakRss, bytes: localBytes }, builds }, null, 1));
console.log(`wrote ${file}`);

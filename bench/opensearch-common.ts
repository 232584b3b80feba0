/**
 * Shared pieces of the OpenSearch benchmarks: a cluster from the repository's launcher, a build
 * of a corpus through `fahras index --engine opensearch` in a child process (wall time, peak RSS
 * of fahras, the cluster's store), and a `fahras serve` child on either engine.
 */
import { Client } from '@opensearch-project/opensearch';
import { startCluster, type Cluster } from '../opensearch/cluster.js';
import { CLI, freePort, runMeasured, sleep, spawnQuiet, type Measured } from './common.js';

export interface ClusterBuild {
  docs: number;
  seconds: number;
  docsPerSecond: number;
  /** Peak RSS of the fahras process. */
  peakRss: number;
  /** The physical index the alias points at, and its store: primaries, and with replicas. */
  index: string;
  primaryBytes: number;
  totalBytes: number;
  /** The word list's store: primaries, and with replicas. */
  lexiconBytes: number;
  lexiconTotalBytes: number;
  command: string;
}

export async function benchCluster(nodes: number, heap: string): Promise<Cluster> {
  const t0 = performance.now();
  const cluster = await startCluster({ nodes, heap, name: `bench-${nodes}n-${process.pid}`, log: (s) => process.stderr.write(`opensearch: ${s}\n`) });
  process.stderr.write(`opensearch: ${nodes} node(s), heap ${heap} each, green in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return cluster;
}

/** `fahras index --engine opensearch` of `input` into `alias`, measured. */
export async function buildIntoCluster(urls: string[], alias: string, input: string, shards: number, replicas: number, extra: string[] = []): Promise<ClusterBuild> {
  const args = [CLI, 'index', '--input', input, '--engine', 'opensearch', '--opensearch-url', urls.join(','), '--opensearch-index', alias, '--shards', String(shards), '--replicas', String(replicas), '--quiet', ...extra];
  const m: Measured = await runMeasured(process.execPath, args);
  if (m.code !== 0) throw new Error(`fahras index --engine opensearch failed (${m.code}):\n${m.stderr}`);
  const docs = Number(/indexed (\d+) documents/.exec(m.stdout)?.[1] ?? NaN);
  const index = /→ (\S+) \(/.exec(m.stdout)?.[1] ?? '';
  const client = new Client({ nodes: urls, requestTimeout: 120_000 });
  try {
    const stats = (name: string) => client.indices.stats({ index: name, metric: 'store' }).then((r) => (r.body as unknown as { _all: { primaries: { store: { size_in_bytes: number } }; total: { store: { size_in_bytes: number } } } })._all);
    const [docsStats, lexStats] = await Promise.all([stats(index), stats(`${index}-terms`)]);
    return {
      docs,
      seconds: m.seconds,
      docsPerSecond: docs / m.seconds,
      peakRss: m.peakRss,
      index,
      primaryBytes: docsStats.primaries.store.size_in_bytes,
      totalBytes: docsStats.total.store.size_in_bytes,
      lexiconBytes: lexStats.primaries.store.size_in_bytes,
      lexiconTotalBytes: lexStats.total.store.size_in_bytes,
      command: `node dist/cli/main.js ${args.slice(1).join(' ')}`,
    };
  } finally {
    await client.close();
  }
}

export interface ServeChild {
  port: number;
  pid: number;
  url: string;
  stop(): Promise<void>;
}

/** `fahras serve` in a child, quiet, without rate limiting or a per-client CPU budget (every request from one address), answered /ready; `env` chooses the engine and the cache. */
export async function serveChild(env: Record<string, string>, args: string[] = []): Promise<ServeChild> {
  const port = await freePort();
  const child = spawnQuiet(process.execPath, [CLI, 'serve', '--port', String(port), '--host', '127.0.0.1', ...args], {
    env: { ...process.env, FAHRAS_RATE_LIMIT: '0', FAHRAS_CLIENT_CPU_MS: '0', FAHRAS_LOG_LEVEL: 'silent', ...env },
  });
  let stderr = '';
  child.stderr!.on('data', (c) => (stderr += c));
  child.stdout!.resume();
  let exited = false;
  const exit = new Promise<void>((r) => child.on('exit', () => ((exited = true), r())));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (!exited) child.kill('SIGTERM');
    await Promise.race([exit, sleep(10_000)]);
    if (!exited) child.kill('SIGKILL');
  };
  const t0 = performance.now();
  while (!exited && performance.now() - t0 < 120_000) {
    try {
      const r = await fetch(`${url}/ready`);
      await r.arrayBuffer();
      if (r.status === 200) return { port, pid: child.pid!, url, stop };
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  await stop();
  throw new Error(`fahras serve did not become ready: ${stderr.slice(-1000)}`);
}

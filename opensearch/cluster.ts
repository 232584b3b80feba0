/**
 * A real OpenSearch 2.19 cluster on this machine, one JVM per node, for tests and benchmarks.
 *
 *   npm run -s opensearch -- start [--nodes N] [--heap 512m] [--name dev] [--timeout 180]
 *   npm run -s opensearch -- status | stop | kill-node I | restart-node I      (I counts from 0)
 *
 * `start` builds the launcher (opensearch/pom.xml, jars into the git-ignored opensearch/target/)
 * when it is missing or stale, starts N nodes on 127.0.0.1 with free ports and fresh data folders,
 * waits for green and prints the node URLs on stdout as one comma-separated line (progress and
 * timings go to stderr). State (pids, ports, folders) is kept in opensearch/.run/<name>/state.json,
 * each node's log in opensearch/.run/<name>/node-<i>.log.
 *
 * From code (vitest global setups, benchmarks):
 *
 *   const cluster = await startCluster({ nodes: 3 });
 *   cluster.urls; await cluster.killNode(1); await cluster.restartNode(1); await cluster.stop();
 *
 * Nodes started from code shut themselves down when the starting process is gone, so a test
 * runner that dies does not leave JVMs behind.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Client } from '@opensearch-project/opensearch';

export const OPENSEARCH_VERSION = '2.19.6';
const MAIN_CLASS = 'fahras.opensearch.Launcher';
const HERE = dirname(fileURLToPath(import.meta.url));
const TARGET = join(HERE, 'target');
const CLASSES = join(TARGET, 'classes');
const LIB = join(TARGET, 'lib');
const BUILD_STAMP = join(TARGET, 'fahras-build.json');
/** Root of the per-cluster folders; FAHRAS_OPENSEARCH_RUN_DIR moves it (e.g. to a tmpfs). */
export const RUN_ROOT = process.env.FAHRAS_OPENSEARCH_RUN_DIR ?? join(HERE, '.run');

export class OpenSearchClusterError extends Error {
  override name = 'OpenSearchClusterError';
}

export type HealthStatus = 'green' | 'yellow' | 'red';

export interface NodeState {
  index: number;
  name: string;
  url: string;
  httpPort: number;
  transportPort: number;
  /** path.home of the node: config/, modules/, plugins/, data/, logs/, tmp/ */
  home: string;
  dataDir: string;
  logFile: string;
  pid: number | null;
}

export interface ClusterState {
  version: 1;
  name: string;
  clusterName: string;
  dir: string;
  heap: string;
  /** pid of the process the nodes watch (they stop when it is gone), or null for a CLI cluster */
  parentPid: number | null;
  startedAt: string;
  nodes: NodeState[];
}

export interface StartOptions {
  /** number of nodes, one JVM each (default 1) */
  nodes?: number;
  /** -Xms/-Xmx of each node (default 512m) */
  heap?: string;
  /** folder name under RUN_ROOT; a unique one by default */
  name?: string;
  /** seconds to wait for green (default 180) */
  timeoutSeconds?: number;
  /** nodes stop themselves when this process exits (default true) */
  watchParent?: boolean;
  /** progress lines (default: none) */
  log?: (line: string) => void;
}

export interface Timings {
  /** time spent building the launcher (0 when it was up to date) */
  buildMs: number;
  /** true when Maven ran (first run or a changed pom/launcher) */
  built: boolean;
  /** spawn of the JVMs → cluster green */
  startMs: number;
}

// ---------------------------------------------------------------- launcher build

function fingerprint(): string {
  const h = createHash('sha256');
  const files = [join(HERE, 'pom.xml'), ...listFiles(join(HERE, 'src'))].sort();
  for (const f of files) h.update(relative(HERE, f)).update('\0').update(readFileSync(f)).update('\0');
  return h.digest('hex');
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}

function launcherUpToDate(fp: string): boolean {
  try {
    const stamp = JSON.parse(readFileSync(BUILD_STAMP, 'utf8')) as { fingerprint?: string };
    return (
      stamp.fingerprint === fp &&
      existsSync(join(CLASSES, 'fahras', 'opensearch', 'Launcher.class')) &&
      existsSync(join(LIB, `opensearch-${OPENSEARCH_VERSION}.jar`))
    );
  } catch {
    return false;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function withBuildLock<T>(fn: () => Promise<T>): Promise<T> {
  mkdirSync(TARGET, { recursive: true });
  const lock = join(TARGET, '.build-lock');
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let owner = NaN;
      try {
        owner = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      } catch {
        // the owner is between mkdir and writing its pid, or just released the lock
      }
      const age = (() => {
        try {
          return Date.now() - statSync(lock).mtimeMs;
        } catch {
          return 0;
        }
      })();
      if ((Number.isFinite(owner) && owner > 0 && !pidAlive(owner)) || (!Number.isFinite(owner) && age > 30_000)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new OpenSearchClusterError(`another process (pid ${owner}) has been building the launcher for 15 minutes (${lock})`);
      await sleep(500);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Builds the launcher with Maven when it is missing or its pom/sources changed: compiles the
 * Java class and copies the dependency jars into opensearch/target/lib. Safe to call from
 * several processes at once (a lock folder serialises the builds).
 */
export async function ensureLauncher(log: (line: string) => void = () => {}): Promise<{ built: boolean; ms: number; classpath: string }> {
  const classpath = `${CLASSES}:${LIB}/*`;
  const t0 = performance.now();
  if (launcherUpToDate(fingerprint())) return { built: false, ms: performance.now() - t0, classpath };
  return withBuildLock(async () => {
    const fp = fingerprint();
    if (launcherUpToDate(fp)) return { built: false, ms: performance.now() - t0, classpath };
    log(`building the launcher (mvn compile dependency:copy-dependencies; the first run downloads ~45 MB of jars)…`);
    rmSync(LIB, { recursive: true, force: true });
    const buildLog = join(TARGET, 'build.log');
    const mvn = process.env.FAHRAS_MVN ?? 'mvn';
    const r = spawnSync(mvn, ['-B', '-Dstyle.color=never', '-f', join(HERE, 'pom.xml'), 'compile', 'dependency:copy-dependencies'], {
      cwd: HERE,
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
    writeFileSync(buildLog, output);
    if (r.error) {
      const code = (r.error as NodeJS.ErrnoException).code;
      throw new OpenSearchClusterError(code === 'ENOENT' ? `'${mvn}' not found: install Maven 3.8+ and a JDK 17` : `cannot run ${mvn}: ${r.error.message}`);
    }
    if (r.status !== 0) {
      process.stderr.write(tail(output, 40));
      throw new OpenSearchClusterError(`building the launcher failed (mvn exit ${r.status}); full output in ${buildLog}`);
    }
    writeFileSync(BUILD_STAMP, JSON.stringify({ fingerprint: fp, builtAt: new Date().toISOString() }, null, 2));
    return { built: true, ms: performance.now() - t0, classpath };
  });
}

// ---------------------------------------------------------------- processes

/** The JVM of `node` in cluster `clusterName` is running (not a zombie, not a reused pid). */
function nodeAlive(pid: number | null, clusterName: string): boolean {
  if (!pid) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return false;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes(`-Dfahras.cluster=${clusterName}\0`);
  } catch {
    return false;
  }
}

async function waitUntilDead(pid: number, clusterName: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (nodeAlive(pid, clusterName)) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

function signal(pid: number | null, clusterName: string, sig: NodeJS.Signals): void {
  if (!pid || !nodeAlive(pid, clusterName)) return;
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const s = createServer();
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

const LOG4J2 = `status = error
appender.console.type = Console
appender.console.name = console
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d{ISO8601}][%-5p][%-25c{1.}] [%node_name]%marker %m%n
rootLogger.level = info
rootLogger.appenderRef.console.ref = console
logger.deprecation.name = org.opensearch.deprecation
logger.deprecation.level = error
`;

function yamlList(items: string[]): string {
  return `[${items.map((s) => JSON.stringify(s)).join(', ')}]`;
}

function writeNodeConfig(state: ClusterState, node: NodeState, fresh: boolean): void {
  for (const d of ['config', 'modules', 'plugins', 'logs', 'tmp']) mkdirSync(join(node.home, d), { recursive: true });
  mkdirSync(node.dataDir, { recursive: true });
  const multi = state.nodes.length > 1;
  const settings: [string, string][] = [
    ['cluster.name', state.clusterName],
    ['node.name', node.name],
    ['path.data', node.dataDir],
    ['path.logs', join(node.home, 'logs')],
    ['network.host', '127.0.0.1'],
    ['http.port', String(node.httpPort)],
    ['transport.port', String(node.transportPort)],
    // the watermarks apply to the machine's whole disk: they can leave shards unassigned or indices read-only
    ['cluster.routing.allocation.disk.threshold_enabled', 'false'],
  ];
  if (!multi) settings.push(['discovery.type', 'single-node']);
  else {
    settings.push(['discovery.seed_hosts', yamlList(state.nodes.map((n) => `127.0.0.1:${n.transportPort}`))]);
    // only when the cluster forms for the first time; a restarted node joins the cluster in its data folder
    if (fresh) settings.push(['cluster.initial_cluster_manager_nodes', yamlList(state.nodes.map((n) => n.name))]);
  }
  writeFileSync(join(node.home, 'config', 'opensearch.yml'), settings.map(([k, v]) => `${k}: ${v}`).join('\n') + '\n');
  writeFileSync(join(node.home, 'config', 'log4j2.properties'), LOG4J2);
}

function javaCommand(): string {
  if (process.env.FAHRAS_OPENSEARCH_JAVA) return process.env.FAHRAS_OPENSEARCH_JAVA;
  return 'java';
}

/** Spawns one node's JVM, detached, its output appended to its log file; returns the pid. */
function spawnNode(state: ClusterState, node: NodeState, classpath: string, onExit: (code: number | null, sig: NodeJS.Signals | null) => void): number {
  const args = [
    `-Xms${state.heap}`,
    `-Xmx${state.heap}`,
    '-XX:+UseG1GC',
    '-XX:-OmitStackTraceInFastThrow',
    '-XX:+ExitOnOutOfMemoryError',
    '-Dfile.encoding=UTF-8',
    '-Djava.awt.headless=true',
    `-Djava.io.tmpdir=${join(node.home, 'tmp')}`,
    '-Djna.nosys=true',
    '-Djava.locale.providers=SPI,CLDR',
    '-Dio.netty.noUnsafe=true',
    '-Dio.netty.noKeySetOptimization=true',
    '-Dio.netty.recycler.maxCapacityPerThread=0',
    '-Dlog4j.shutdownHookEnabled=false',
    '-Dlog4j2.disable.jmx=true',
    '-Dlog4j2.formatMsgNoLookups=true',
    `-Dfahras.cluster=${state.clusterName}`,
    ...(state.parentPid ? [`-Dfahras.parent.pid=${state.parentPid}`] : []),
    '-cp',
    classpath,
    MAIN_CLASS,
    node.home,
  ];
  const fd = openSync(node.logFile, 'a');
  try {
    const child = spawn(javaCommand(), args, { cwd: node.home, detached: true, stdio: ['ignore', fd, fd] });
    child.on('error', () => onExit(127, null));
    child.on('exit', onExit);
    child.unref();
    if (!child.pid) throw new OpenSearchClusterError(`cannot start '${javaCommand()}' (is a JDK 17 installed?)`);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

// ---------------------------------------------------------------- cluster

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function tail(text: string, lines: number): string {
  const all = text.split('\n');
  return all.slice(Math.max(0, all.length - lines - 1)).join('\n') + (text.endsWith('\n') ? '' : '\n');
}

function logTail(file: string, lines = 30): string {
  try {
    return tail(readFileSync(file, 'utf8'), lines);
  } catch {
    return '(no log)\n';
  }
}

const owned = new Set<Cluster>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Synchronous: ask every node this process started and did not stop to close (SIGTERM).
  process.once('exit', () => {
    for (const c of owned) for (const n of c.state.nodes) signal(n.pid, c.state.clusterName, 'SIGTERM');
  });
}

export interface ClusterHealth {
  status: HealthStatus;
  number_of_nodes: number;
  timed_out: boolean;
  active_shards: number;
  unassigned_shards: number;
  [k: string]: unknown;
}

export class Cluster {
  /** node index → exit seen by this process */
  private readonly exits = new Map<number, string>();

  constructor(
    readonly state: ClusterState,
    private readonly classpath = `${CLASSES}:${LIB}/*`,
  ) {}

  get name(): string {
    return this.state.name;
  }
  get dir(): string {
    return this.state.dir;
  }
  get stateFile(): string {
    return join(this.state.dir, 'state.json');
  }
  get nodes(): readonly NodeState[] {
    return this.state.nodes;
  }
  /** every node's URL, in index order (also the ones that are down) */
  get urls(): string[] {
    return this.state.nodes.map((n) => n.url);
  }
  /** URLs of the nodes whose JVM is running */
  liveUrls(): string[] {
    return this.state.nodes.filter((n) => this.alive(n.index)).map((n) => n.url);
  }

  alive(i: number): boolean {
    return nodeAlive(this.node(i).pid, this.state.clusterName);
  }

  /** A client of the official library over the nodes that are up (pass `urls` to choose). */
  client(urls = this.liveUrls()): Client {
    return new Client({ nodes: urls.length ? urls : this.urls, requestTimeout: 60_000 });
  }

  save(): void {
    writeFileSync(this.stateFile, JSON.stringify(this.state, null, 2) + '\n');
  }

  private node(i: number): NodeState {
    const n = this.state.nodes[i];
    if (!Number.isInteger(i) || !n) throw new OpenSearchClusterError(`no node ${i}: this cluster has nodes 0..${this.state.nodes.length - 1}`);
    return n;
  }

  /** Starts node i's JVM (its config must be written). */
  spawn(i: number): void {
    const n = this.node(i);
    this.exits.delete(i);
    n.pid = spawnNode(this.state, n, this.classpath, (code, sig) => this.exits.set(i, sig ? `killed by ${sig}` : `exited with code ${code}`));
    this.save();
  }

  /** GET /_cluster/health through any live node; null when no node answers. */
  async health(params: { wait_for_nodes?: number | string; wait_for_status?: HealthStatus; timeout?: string } = {}): Promise<ClusterHealth | null> {
    const urls = this.liveUrls();
    if (!urls.length) return null;
    const client = new Client({ nodes: urls, maxRetries: 0, requestTimeout: 90_000 });
    try {
      const r = await client.cluster.health({ cluster_manager_timeout: '5s', ...params }, { ignore: [408] });
      return r.body as unknown as ClusterHealth;
    } catch {
      return null;
    } finally {
      await client.close();
    }
  }

  /**
   * Waits until the cluster reports `status` (or better) with `nodes` nodes. Throws with the
   * tail of the node logs when a node's JVM ends or the time runs out.
   */
  async waitFor({ nodes = this.state.nodes.length, status = 'green' as HealthStatus, timeoutSeconds = 180, expectAlive = this.state.nodes.map((n) => n.index) } = {}): Promise<ClusterHealth> {
    const deadline = Date.now() + timeoutSeconds * 1000;
    let last: ClusterHealth | null = null;
    for (;;) {
      for (const i of expectAlive) {
        if (!this.alive(i)) {
          const n = this.node(i);
          const why = this.exits.get(i) ?? 'is not running';
          throw new OpenSearchClusterError(`OpenSearch ${n.name} (pid ${n.pid}) ${why} before the cluster was ${status}; log: ${n.logFile}\n--- ${n.name} log tail ---\n${logTail(n.logFile)}`);
        }
      }
      const left = Math.ceil((deadline - Date.now()) / 1000);
      if (left <= 0) {
        const logs = this.state.nodes.map((n) => `--- ${n.name} log tail (${n.logFile}) ---\n${logTail(n.logFile, 15)}`).join('');
        const seen = last ? `status ${last.status}, ${last.number_of_nodes}/${nodes} nodes, ${last.unassigned_shards} unassigned shards` : 'no node answered on HTTP';
        throw new OpenSearchClusterError(`cluster not ${status} with ${nodes} nodes within ${timeoutSeconds}s (${seen})\n${logs}`);
      }
      const h = await this.health({ wait_for_nodes: nodes, wait_for_status: status, timeout: `${Math.min(5, left)}s` });
      if (h) {
        last = h;
        const rank = { green: 2, yellow: 1, red: 0 } as const;
        if (!h.timed_out && h.number_of_nodes === nodes && rank[h.status] >= rank[status]) return h;
        if (h.timed_out) continue; // the wait itself took its time
      }
      await sleep(250);
    }
  }

  /** SIGKILL node i and wait for its JVM to be gone. */
  async killNode(i: number): Promise<void> {
    const n = this.node(i);
    if (!this.alive(i)) throw new OpenSearchClusterError(`${n.name} is not running`);
    process.kill(n.pid!, 'SIGKILL');
    if (!(await waitUntilDead(n.pid!, this.state.clusterName, 10_000))) throw new OpenSearchClusterError(`${n.name} (pid ${n.pid}) still running 10s after SIGKILL`);
    n.pid = null;
    this.save();
  }

  /**
   * Starts node i again with the same ports and data folder, and (by default) waits until
   * every node is back and the cluster is green.
   */
  async restartNode(i: number, { wait = true, status = 'green' as HealthStatus, timeoutSeconds = 180 } = {}): Promise<void> {
    const n = this.node(i);
    if (this.alive(i)) throw new OpenSearchClusterError(`${n.name} is still running (pid ${n.pid}): kill-node ${i} first`);
    writeNodeConfig(this.state, n, false);
    this.spawn(i);
    if (wait) await this.waitFor({ status, timeoutSeconds });
  }

  /**
   * SIGTERM every node (a clean close), SIGKILL what is left after 30 s, then remove the data
   * folders (and the logs too unless `keepLogs`).
   */
  async stop({ keepLogs = false } = {}): Promise<void> {
    const live = this.state.nodes.filter((n) => this.alive(n.index));
    for (const n of live) signal(n.pid, this.state.clusterName, 'SIGTERM');
    await Promise.all(
      live.map(async (n) => {
        if (!(await waitUntilDead(n.pid!, this.state.clusterName, 30_000))) {
          signal(n.pid, this.state.clusterName, 'SIGKILL');
          await waitUntilDead(n.pid!, this.state.clusterName, 10_000);
        }
      }),
    );
    for (const n of this.state.nodes) n.pid = null;
    owned.delete(this);
    if (keepLogs) {
      for (const n of this.state.nodes) rmSync(n.home, { recursive: true, force: true });
      this.save();
    } else rmSync(this.state.dir, { recursive: true, force: true });
  }
}

let counter = 0;

/** Removes the folders of clusters started from code whose process is gone and whose nodes are all down. */
function pruneAbandoned(): void {
  if (!existsSync(RUN_ROOT)) return;
  for (const e of readdirSync(RUN_ROOT, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    try {
      const c = loadState(e.name);
      if (!c || c.state.parentPid === null || pidAlive(c.state.parentPid)) continue;
      if (c.state.nodes.some((n) => c.alive(n.index))) continue;
      rmSync(join(RUN_ROOT, e.name), { recursive: true, force: true });
    } catch {
      // not ours or half-written: leave it
    }
  }
}

/**
 * Starts a fresh cluster of `nodes` JVMs and waits for green. The returned object stops it,
 * kills and restarts nodes; `timings` tells how long the build and the start took.
 */
export async function startCluster(opts: StartOptions = {}): Promise<Cluster & { timings: Timings }> {
  const count = opts.nodes ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > 9) throw new OpenSearchClusterError(`--nodes must be 1..9, got ${opts.nodes}`);
  const heap = opts.heap ?? '512m';
  if (!/^\d+[kmg]$/i.test(heap)) throw new OpenSearchClusterError(`--heap must look like 512m or 1g, got ${heap}`);
  const log = opts.log ?? (() => {});
  const name = opts.name ?? `p${process.pid}-${++counter}`;
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new OpenSearchClusterError(`cluster name may only use letters, digits, _ . -: ${name}`);

  const build = await ensureLauncher(log);
  if (build.built) log(`launcher built in ${(build.ms / 1000).toFixed(1)} s`);

  pruneAbandoned();
  const dir = join(RUN_ROOT, name);
  const existing = loadState(name);
  if (existing && existing.state.nodes.some((n) => existing.alive(n.index))) {
    throw new OpenSearchClusterError(`cluster '${name}' is already running (${existing.liveUrls().join(',')}); stop it first`);
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });

  const ports = await freePorts(count * 2);
  const watch = opts.watchParent ?? true;
  const state: ClusterState = {
    version: 1,
    name,
    clusterName: `fahras-${name}`,
    dir,
    heap,
    parentPid: watch ? process.pid : null,
    startedAt: new Date().toISOString(),
    nodes: Array.from({ length: count }, (_, i) => ({
      index: i,
      name: `node-${i}`,
      url: `http://127.0.0.1:${ports[2 * i]}`,
      httpPort: ports[2 * i],
      transportPort: ports[2 * i + 1],
      home: join(dir, `node-${i}`),
      dataDir: join(dir, `node-${i}`, 'data'),
      logFile: join(dir, `node-${i}.log`),
      pid: null,
    })),
  };
  const cluster = new Cluster(state, build.classpath);
  for (const n of state.nodes) writeNodeConfig(state, n, true);
  cluster.save();
  if (watch) {
    owned.add(cluster);
    installExitHook();
  }

  const t0 = performance.now();
  try {
    for (const n of state.nodes) cluster.spawn(n.index);
    log(`starting ${count} node${count > 1 ? 's' : ''} (heap ${heap} each), waiting for green…`);
    await cluster.waitFor({ nodes: count, status: 'green', timeoutSeconds: opts.timeoutSeconds ?? 180 });
  } catch (e) {
    for (const n of state.nodes) signal(n.pid, state.clusterName, 'SIGKILL');
    for (const n of state.nodes) if (n.pid) await waitUntilDead(n.pid, state.clusterName, 10_000);
    for (const n of state.nodes) n.pid = null;
    owned.delete(cluster);
    cluster.save(); // logs stay for reading
    throw e;
  }
  const timings: Timings = { buildMs: build.ms, built: build.built, startMs: performance.now() - t0 };
  return Object.assign(cluster, { timings });
}

/** The cluster recorded under RUN_ROOT/<name>, or null. */
export function loadState(name: string): Cluster | null {
  const file = join(RUN_ROOT, name, 'state.json');
  if (!existsSync(file)) return null;
  let state: ClusterState;
  try {
    state = JSON.parse(readFileSync(file, 'utf8')) as ClusterState;
  } catch (e) {
    throw new OpenSearchClusterError(`${file} is not valid JSON (${(e as Error).message}); delete ${join(RUN_ROOT, name)}`);
  }
  if (state.version !== 1 || !Array.isArray(state.nodes)) throw new OpenSearchClusterError(`${file} is not a cluster state file of this version; delete ${join(RUN_ROOT, name)}`);
  return new Cluster(state);
}

// ---------------------------------------------------------------- command line

const USAGE = `usage: npm run -s opensearch -- <command> [options]
  start [--nodes N] [--heap 512m] [--timeout 180]   start a fresh cluster, print its URLs (one comma-separated line)
  status                                            the nodes, their pids and the cluster health
  stop                                              stop every node, remove the data folders
  kill-node I                                       SIGKILL node I (0-based)
  restart-node I [--timeout 180]                    start node I again (same ports and data), wait for green
  build                                             build the launcher only
options: --name NAME (default dev) selects the cluster under ${relative(process.cwd(), RUN_ROOT) || RUN_ROOT}/`;

function need(name: string): Cluster {
  const c = loadState(name);
  if (!c) throw new OpenSearchClusterError(`no cluster '${name}' recorded (${join(RUN_ROOT, name, 'state.json')}): run 'npm run opensearch -- start' first`);
  return c;
}

function nodeIndex(arg: string | undefined): number {
  const i = Number(arg);
  if (arg === undefined || !Number.isInteger(i) || i < 0) throw new OpenSearchClusterError(`expected a node index (0, 1, …), got ${arg ?? 'nothing'}`);
  return i;
}

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      nodes: { type: 'string', default: '1' },
      heap: { type: 'string', default: '512m' },
      name: { type: 'string', default: 'dev' },
      timeout: { type: 'string', default: '180' },
      'keep-logs': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [cmd, arg] = positionals;
  const err = (s: string) => process.stderr.write(`opensearch: ${s}\n`);
  const timeoutSeconds = Number(values.timeout);
  if (values.help || !cmd) {
    process.stdout.write(USAGE + '\n');
    return cmd || values.help ? 0 : 2;
  }
  switch (cmd) {
    case 'build': {
      const b = await ensureLauncher(err);
      err(b.built ? `launcher built in ${(b.ms / 1000).toFixed(1)} s` : `launcher up to date (${CLASSES}, ${LIB})`);
      return 0;
    }
    case 'start': {
      const t0 = performance.now();
      const c = await startCluster({ nodes: Number(values.nodes), heap: values.heap, name: values.name, timeoutSeconds, watchParent: false, log: err });
      const t = c.timings;
      err(
        `${c.nodes.length} node${c.nodes.length > 1 ? 's' : ''} green in ${(t.startMs / 1000).toFixed(1)} s` +
          ` (launcher ${t.built ? `built in ${(t.buildMs / 1000).toFixed(1)} s` : 'up to date'}; total ${((performance.now() - t0) / 1000).toFixed(1)} s)` +
          `; state ${relative(process.cwd(), c.stateFile)}, logs ${relative(process.cwd(), join(c.dir, 'node-*.log'))}`,
      );
      process.stdout.write(c.urls.join(',') + '\n');
      return 0;
    }
    case 'status': {
      const c = need(values.name);
      for (const n of c.nodes) {
        process.stdout.write(`${n.index} ${n.name} ${n.url} transport ${n.transportPort} ${c.alive(n.index) ? `running pid ${n.pid}` : 'down'} data ${relative(process.cwd(), n.dataDir)} log ${relative(process.cwd(), n.logFile)}\n`);
      }
      const h = await c.health();
      process.stdout.write(h ? `health ${h.status}, ${h.number_of_nodes} nodes, ${h.active_shards} active shards, ${h.unassigned_shards} unassigned\n` : 'health: no node answers\n');
      return 0;
    }
    case 'stop': {
      const c = loadState(values.name);
      if (!c) {
        err(`no cluster '${values.name}' recorded; nothing to stop`);
        return 0;
      }
      const t0 = performance.now();
      const n = c.liveUrls().length;
      await c.stop({ keepLogs: true });
      err(`stopped ${n} node${n === 1 ? '' : 's'} in ${((performance.now() - t0) / 1000).toFixed(1)} s; data removed, logs kept in ${relative(process.cwd(), c.dir)}`);
      return 0;
    }
    case 'kill-node': {
      const c = need(values.name);
      const i = nodeIndex(arg);
      await c.killNode(i);
      err(`node ${i} killed (SIGKILL); its data folder is kept for restart-node ${i}`);
      return 0;
    }
    case 'restart-node': {
      const c = need(values.name);
      const i = nodeIndex(arg);
      const t0 = performance.now();
      await c.restartNode(i, { timeoutSeconds });
      err(`node ${i} back, cluster green in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      process.stdout.write(c.urls.join(',') + '\n');
      return 0;
    }
    default:
      throw new OpenSearchClusterError(`unknown command '${cmd}'\n${USAGE}`);
  }
}

function isMain(): boolean {
  if (!process.argv[1]) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}

if (isMain()) {
  // `npm run -s opensearch -- start | head -1` closes stdout early: not an error
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      if (e instanceof OpenSearchClusterError) {
        const [first, ...rest] = e.message.split('\n');
        if (rest.length) process.stderr.write(rest.join('\n') + '\n');
        process.stderr.write(`opensearch: error: ${first}\n`);
      } else process.stderr.write(`opensearch: error: ${(e as Error)?.message ?? String(e)}\n`);
      process.exit(1);
    },
  );
}

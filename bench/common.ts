/**
 * Shared pieces of the performance benchmarks: paths, arguments, timing a
 * child process (wall time and peak RSS), percentiles and tables.
 */
import { execFileSync, spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { getHeapStatistics } from 'node:v8';
import { loadavg } from 'node:os';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DATA = resolve(REPO, '../shared/data');
export const OUT = join(REPO, 'bench', 'out');
/** Scratch space for the 4× corpus and the indexes; FAHRAS_BENCH_TMP moves it (one folder per worktree keeps concurrent runs apart). */
export const TMP = process.env.FAHRAS_BENCH_TMP ? resolve(process.env.FAHRAS_BENCH_TMP) : '/tmp/fahras-bench';
/**
 * The compiled fahras under test: REPO/dist, or FAHRAS_BENCH_DIST (e.g. a
 * snapshot of one commit made by bench/snapshot.ts, immune to concurrent edits).
 */
export const DIST = process.env.FAHRAS_BENCH_DIST ? resolve(process.env.FAHRAS_BENCH_DIST) : join(REPO, 'dist');
export const CLI = join(DIST, 'cli', 'main.js');

export type Scale = 1 | 4 | 16;

/** `--name value` or `--name=value` from argv. */
export function arg(name: string, fallback?: string): string | undefined {
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === `--${name}`) return argv[i + 1];
    if (argv[i].startsWith(`--${name}=`)) return argv[i].slice(name.length + 3);
  }
  return fallback;
}

export function flag(name: string): boolean {
  return process.argv.slice(2).includes(`--${name}`);
}

export function scaleArg(): Scale {
  const s = Number(arg('scale', '1'));
  if (s !== 1 && s !== 4 && s !== 16) throw new Error('--scale must be 1, 4 or 16');
  return s;
}

export function ensureDirs(): void {
  mkdirSync(OUT, { recursive: true });
  mkdirSync(TMP, { recursive: true });
}

/** Where the fahras index and the MiniSearch JSON of a scale live. */
export function indexDir(scale: number): string {
  return join(TMP, `index-${scale}x`);
}
export function miniSearchJson(scale: Scale): string {
  return join(TMP, `minisearch-${scale}x.json`);
}

/** The compiled library (dist/), imported at run time so the bench measures what ships. */
export type FahrasLib = typeof import('../src/lib.js');
/** The compiled library entry; snapshots of commits before it was renamed have dist/index.js. */
export function libraryEntry(): string {
  return [join(DIST, 'lib.js'), join(DIST, 'index.js')].find((f) => existsSync(f)) ?? join(DIST, 'lib.js');
}
export async function loadFahras(): Promise<FahrasLib> {
  const entry = libraryEntry();
  if (!existsSync(entry)) throw new Error(`${DIST} is missing: run \`npm run build\` first`);
  return (await import(pathToFileURL(entry).href)) as FahrasLib;
}
/** The pieces of a snippet-bearing search, from the compiled tree under test. */
export interface SnippetLibs {
  highlight: typeof import('../src/search/highlight.js');
  snippet: typeof import('../src/search/snippet.js');
  query: typeof import('../src/search/query.js');
  /** The HTML the API adds to each hit. */
  html: typeof import('../src/server/view/marked.js');
}
export async function loadSnippetLibs(): Promise<SnippetLibs> {
  const load = (path: string) => import(pathToFileURL(join(DIST, path)).href);
  const [highlight, snippet, query, html] = await Promise.all(['search/highlight.js', 'search/snippet.js', 'search/query.js', 'server/view/marked.js'].map(load));
  return { highlight, snippet, query, html } as SnippetLibs;
}

/**
 * Re-runs this script in a child node with a bigger heap (MiniSearch at 4×
 * needs more than the default) unless it already has one.
 */
export function ensureHeap(mb = 16_384): void {
  if (getHeapStatistics().heap_size_limit >= (mb - 512) * 1024 * 1024 || process.env.FAHRAS_BENCH_CHILD) return;
  const r = spawnSync(process.execPath, [...process.execArgv, `--max-old-space-size=${mb}`, '--expose-gc', process.argv[1], ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, FAHRAS_BENCH_CHILD: '1' },
  });
  process.exit(r.status ?? 1);
}

export interface Measured {
  seconds: number;
  /** User + system CPU seconds (from /usr/bin/time's %U and %S). */
  cpuSeconds: number;
  /** Peak resident set, bytes (from /usr/bin/time's %M). */
  peakRss: number;
  code: number;
  stdout: string;
  stderr: string;
}

const TIME = '/usr/bin/time';

/** Runs a command to completion under /usr/bin/time: wall seconds and peak RSS. */
export function runMeasured(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<Measured> {
  ensureDirs();
  const timeFile = join(TMP, `time-${process.pid}-${Date.now()}.txt`);
  const hasTime = existsSync(TIME);
  const t0 = performance.now();
  const child = hasTime
    ? spawn(TIME, ['-f', '%e %M %U %S', '-o', timeFile, cmd, ...args], { cwd: opts.cwd ?? REPO, env: opts.env ?? process.env })
    : spawn(cmd, args, { cwd: opts.cwd ?? REPO, env: opts.env ?? process.env });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c) => (stdout += c));
  child.stderr!.on('data', (c) => (stderr += c));
  return new Promise((res, rej) => {
    child.on('error', rej);
    child.on('close', (code) => {
      const seconds = (performance.now() - t0) / 1000;
      let peakRss = NaN;
      let cpuSeconds = NaN;
      if (hasTime && existsSync(timeFile)) {
        const last = (readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '').split(' ');
        peakRss = Number(last[1]) * 1024;
        cpuSeconds = Number(last[2]) + Number(last[3]);
        rmSync(timeFile, { force: true });
      }
      res({ seconds, cpuSeconds, peakRss, code: code ?? 1, stdout, stderr });
    });
  });
}

/** A program of bench/children/ (see its README), by file name. */
export function childProgram(name: string): string {
  return join(REPO, 'bench', 'children', name);
}

/** Runs a program of bench/children/ in a fresh node under /usr/bin/time, with REPO as cwd. */
export function runChild(name: string, env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<Measured> {
  return runMeasured(process.execPath, [...nodeArgs, childProgram(name)], { env: { ...process.env, ...env } });
}

/** The last line of a child's stdout that parses as JSON. */
export function lastJson<T>(stdout: string): T {
  const lines = stdout.trim().split('\n').reverse();
  for (const l of lines) {
    try {
      return JSON.parse(l) as T;
    } catch {
      // not JSON
    }
  }
  throw new Error(`no JSON result in child output:\n${stdout.slice(-2000)}`);
}

export function dirBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += dirBytes(p);
    else if (e.isFile()) total += statSync(p).size;
  }
  return total;
}

/** Status fields of a live process, in bytes (VmRSS, VmHWM). */
/** Resident memory of a process and of its children (the serving processes of `--processes N`), now and at peak (peaks summed). */
export function procStatus(pid: number): { rss: number; hwm: number } {
  let rss = 0;
  let hwm = 0;
  for (const p of [pid, ...childrenOf(pid)]) {
    try {
      const s = readFileSync(`/proc/${p}/status`, 'utf8');
      const kb = (k: string): number => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? NaN) * 1024;
      rss += kb('VmRSS');
      hwm += kb('VmHWM');
    } catch {
      if (p === pid) return { rss: NaN, hwm: NaN };
    }
  }
  return { rss, hwm };
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** CPU seconds (user + system) a live process has used so far, from /proc/<pid>/stat. */
export function procCpuSeconds(pid: number): number {
  try {
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th, in clock ticks (100 a second on Linux).
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => res(port));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function spawnQuiet(cmd: string, args: string[], opts: SpawnOptions = {}) {
  return spawn(cmd, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], ...opts });
}

/** p in [0, 1] of an ascending array (nearest rank). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

export function median(xs: number[]): number {
  return percentile(Float64Array.from(xs).sort(), 0.5);
}

export const MB = (b: number): string => (Number.isFinite(b) ? (b / 1048576).toFixed(1) : 'n/a');
export const fx = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
export const ratio = (a: number, b: number): string => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? `${(a / b).toFixed(2)}×` : 'n/a');

/** A plain-text table; the first row is the header. Also usable as Markdown. */
export function table(rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map(String));
  const w = cells[0].map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string => '| ' + r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join(' | ') + ' |';
  return [line(cells[0]), '|' + w.map((n, i) => (i === 0 ? '-'.repeat(n + 2) : '-'.repeat(n + 1) + ':')).join('|') + '|', ...cells.slice(1).map(line)].join('\n');
}

/** The commit and whether src/ has uncommitted changes: figures depend on both. */
export function revision(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: REPO }).toString().trim();
    return dirty ? `${head} (src modified)` : head;
  } catch {
    return 'unknown';
  }
}

export function header(title: string): void {
  const under = process.env.FAHRAS_BENCH_DIST ? `fahras from ${DIST}` : `fahras from dist/ (working tree rev ${revision()})`;
  console.log(`\n## ${title}\n${new Date().toISOString()} · ${under} · node ${process.version} · load ${loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
}

/**
 * Cold start: how long from spawning a process until it can answer, and the
 * memory it then holds.
 *   - `fahras serve`: process spawn → first 200 from /ready; VmRSS at that moment and 1 s later.
 *   - in-process `openIndex(dir)` in a fresh node: import, open, first query; RSS.
 *   - baseline: `MiniSearch.loadJSON` of the JSON bench/build.ts wrote; first query; RSS.
 * Each is run --runs times (default 3) and the median reported. The page cache is
 * warm (the files were just written or read), so this is a warm-disk cold start.
 *
 *   npx tsx bench/build.ts --scale 1 && npx tsx bench/startup.ts [--scale 1|4] [--runs 3]
 */
import { currentName } from '../src/index/generations.js';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLI, MB, libraryEntry, OUT, arg, ensureDirs, freePort, fx, header, indexDir, lastJson, median, miniSearchJson, procStatus, ratio, runChild, scaleArg, sleep, spawnQuiet, table, type Scale } from './common.js';
import { corpusFor } from './corpus.js';
import { buildBaseline, buildFahras } from './build.js';

/** A load generator is one client: the rate limit and the per-client share of search time would measure themselves. */
export const SERVER_ENV = { FAHRAS_RATE_LIMIT: '0', FAHRAS_CLIENT_CPU_MS: '0', FAHRAS_LOG_LEVEL: 'silent' };

export interface ServerStart {
  ok: boolean;
  /** Spawn → first 200 on /ready, seconds. */
  seconds: number;
  rssAtReady: number;
  rssSettled: number;
  pid: number;
  port: number;
  stop: () => Promise<void>;
  error?: string;
}

/** Spawns `fahras serve` on `dir` (the build under test, or the one whose CLI is `cli`) and waits for /ready; the caller stops it. */
export async function startServer(dir: string, timeoutMs = 120_000, cli = CLI, env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<ServerStart> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawnQuiet(process.execPath, [...nodeArgs, cli, 'serve', '--port', String(port), '--host', '127.0.0.1', '--index', dir], { env: { ...process.env, ...SERVER_ENV, ...env } });
  let stderr = '';
  child.stderr!.on('data', (c) => (stderr += c));
  child.stdout!.resume();
  let exited = false;
  const exit = new Promise<void>((r) => child.on('exit', () => ((exited = true), r())));
  const stop = async (): Promise<void> => {
    if (!exited) child.kill('SIGTERM');
    await Promise.race([exit, sleep(10_000)]);
    if (!exited) child.kill('SIGKILL');
  };
  const pid = child.pid!;
  while (!exited && performance.now() - t0 < timeoutMs) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/ready`);
      await r.arrayBuffer();
      if (r.status === 200) {
        const seconds = (performance.now() - t0) / 1000;
        const rssAtReady = procStatus(pid).rss;
        await sleep(1000);
        return { ok: true, seconds, rssAtReady, rssSettled: procStatus(pid).rss, pid, port, stop };
      }
    } catch {
      // not listening yet
    }
    await sleep(20);
  }
  await stop();
  return { ok: false, seconds: NaN, rssAtReady: NaN, rssSettled: NaN, pid, port, stop, error: exited ? `serve exited before /ready: ${stderr.trim().split('\n').slice(-2).join(' ')}` : 'timed out' };
}

interface OpenRun {
  importS: number;
  openS: number;
  readyS: number;
  firstQueryS: number;
  rss: number;
  rssAfterQuery: number;
  peakRss: number;
}

const FIRST_QUERY = 'وزارة الصحة';

async function openRuns(child: string, env: Record<string, string>, runs: number, nodeArgs: string[] = []): Promise<OpenRun | undefined> {
  const all: OpenRun[] = [];
  for (let i = 0; i < runs; i++) {
    const m = await runChild(child, { ...env, BENCH_QUERY: FIRST_QUERY }, nodeArgs);
    if (m.code !== 0) {
      console.log(`  failed: ${m.stderr.trim().split('\n').slice(-3).join(' ')}`);
      return undefined;
    }
    all.push({ ...lastJson<OpenRun>(m.stdout), peakRss: m.peakRss });
  }
  const keys = Object.keys(all[0]) as (keyof OpenRun)[];
  return Object.fromEntries(keys.map((k) => [k, median(all.map((r) => r[k]))])) as unknown as OpenRun;
}

export async function ensureIndexes(scale: Scale, baseline = true): Promise<void> {
  if (currentName(indexDir(scale)) === undefined || (baseline && !existsSync(miniSearchJson(scale)))) {
    const input = await corpusFor(scale);
    if (currentName(indexDir(scale)) === undefined) await buildFahras(scale, input);
    if (baseline && !existsSync(miniSearchJson(scale))) await buildBaseline(scale, input);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureDirs();
  const scale = scaleArg();
  const runs = Number(arg('runs', '3'));
  await ensureIndexes(scale);
  header(`Cold start, ${scale}× (median of ${runs})`);
  const dir = indexDir(scale);

  const servers: ServerStart[] = [];
  for (let i = 0; i < runs; i++) {
    const s = await startServer(dir);
    await s.stop();
    servers.push(s);
    if (!s.ok) break;
  }
  const srv = servers.every((s) => s.ok)
    ? { seconds: median(servers.map((s) => s.seconds)), rssAtReady: median(servers.map((s) => s.rssAtReady)), rssSettled: median(servers.map((s) => s.rssSettled)) }
    : undefined;
  if (!srv) console.log(`fahras serve: not measurable (${servers[servers.length - 1].error})`);

  const dist = pathToFileURL(libraryEntry()).href;
  const fo = await openRuns('open-fahras.js', { BENCH_DIST: dist, BENCH_DIR: dir }, runs);
  const mo = await openRuns('open-minisearch.js', { BENCH_JSON: miniSearchJson(scale) }, runs, ['--max-old-space-size=16384']);
  const n = NaN;
  const rows: (string | number)[][] = [['', 'fahras', 'MiniSearch', 'fahras / MiniSearch']];
  rows.push(['serve: spawn → /ready 200, s', fx(srv?.seconds ?? n, 3), '', '']);
  rows.push(['serve: VmRSS at ready, MB', MB(srv?.rssAtReady ?? n), '', '']);
  rows.push(['serve: VmRSS ready+1 s, MB', MB(srv?.rssSettled ?? n), '', '']);
  rows.push(['in-process: spawn → opened, s', fx(fo?.readyS ?? n, 3), fx(mo?.readyS ?? n, 3), ratio(fo?.readyS ?? n, mo?.readyS ?? n)]);
  rows.push(['  import library, s', fx(fo?.importS ?? n, 3), fx(mo?.importS ?? n, 3), '']);
  rows.push(['  openIndex / loadJSON, s', fx(fo?.openS ?? n, 3), fx(mo?.openS ?? n, 3), ratio(fo?.openS ?? n, mo?.openS ?? n)]);
  rows.push(['  first query, ms', fx((fo?.firstQueryS ?? n) * 1000, 1), fx((mo?.firstQueryS ?? n) * 1000, 1), '']);
  rows.push(['RSS after open, MB', MB(fo?.rss ?? n), MB(mo?.rss ?? n), ratio(fo?.rss ?? n, mo?.rss ?? n)]);
  rows.push(['RSS after first query, MB', MB(fo?.rssAfterQuery ?? n), MB(mo?.rssAfterQuery ?? n), ratio(fo?.rssAfterQuery ?? n, mo?.rssAfterQuery ?? n)]);
  rows.push(['peak RSS of the process, MB', MB(fo?.peakRss ?? n), MB(mo?.peakRss ?? n), ratio(fo?.peakRss ?? n, mo?.peakRss ?? n)]);
  console.log(table(rows));
  console.log(`\nfahras serve: node dist/cli/main.js serve --port <free> --host 127.0.0.1 --index ${dir} (FAHRAS_RATE_LIMIT=0 FAHRAS_LOG_LEVEL=silent)`);
  const outFile = join(OUT, `startup-${scale}x.json`);
  writeFileSync(outFile, JSON.stringify({ scale, runs, serve: srv ?? servers[servers.length - 1]?.error, fahrasOpen: fo, miniSearchLoad: mo }, null, 1));
  console.log(`wrote ${outFile}`);
}

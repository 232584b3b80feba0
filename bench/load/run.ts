/**
 * Reliability under load: `fahras serve` (compiled, FAHRAS_RATE_LIMIT=0,
 * FAHRAS_LOG_LEVEL=silent) over the SaudiNewsNet 1× index on loopback, driven
 * by autocannon (programmatic) with the fixed query log of bench/querylog.ts.
 *
 *   load   --duration s (default 60) at 10 and at 50 connections over
 *          /api/search?q=<query log>: req/s, p50/p99, errors, non-2xx, server
 *          RSS after warm-up and at the end (growth must stay under 10%).
 *   swap   10 connections while `node dist/cli/main.js index --input <corpus>
 *          --out <the served folder>` runs twice; runs until /api/stats has
 *          shown two new generations, then 10 s more. 0 failed requests.
 *   soak   --soak requests (default 200,000) of a mix: search, suggest,
 *          documents (plain and highlighted), pages, and bad inputs that must
 *          be 4xx. RSS sampled every 2 s (first/last/max); no 5xx, no errors.
 *   worst  single requests with the most expensive valid queries (timing).
 *
 *   npx tsx bench/load/run.ts [--phase load,swap,soak,worst] [--duration 60] [--soak 200000]
 *
 * The 1× index is built into /tmp/fahras-reliability/index-1x once and reused;
 * the swap phase serves a copy. Results: bench/out/reliability-load.json.
 * Wait for other benchmarks to finish first: 2 cores, shared with autocannon.
 */
import { currentName } from '../../src/index/generations.js';
import { openIndexReader } from '../../src/index/open.js';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, MB, OUT, arg, fx, procStatus, revision, sleep, table } from '../common.js';
import { CORPUS_1X } from '../corpus.js';
import { startServer, type ServerStart } from '../startup.js';
import { makeQueryLog } from '../querylog.js';

const WORK = '/tmp/fahras-reliability';
const INDEX = join(WORK, 'index-1x');
const SWAP_INDEX = join(WORK, 'swap-index-1x');

interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; max: number; average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  statusCodeStats?: Record<string, { count: number }>;
  duration: number;
}
interface CannonInstance {
  stop(): void;
}
type Cannon = (opts: Record<string, unknown>, cb: (err: Error | null, r: CannonResult) => void) => CannonInstance;

async function cannon(): Promise<Cannon> {
  const name = 'autocannon'; // untyped package: imported by name at run time
  return ((await import(name)) as { default: Cannon }).default;
}

export interface Run {
  label: string;
  connections: number;
  seconds: number;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statuses: Record<string, number>;
}

/** Runs autocannon; `until` (if given) is polled every second and stops the run when it resolves true. */
async function hammer(
  label: string,
  port: number,
  next: () => string,
  o: { connections: number; duration?: number; amount?: number; until?: () => Promise<boolean> },
): Promise<Run> {
  const run = await cannon();
  return new Promise((resolve, reject) => {
    const inst = run(
      {
        url: `http://127.0.0.1:${port}`,
        connections: o.connections,
        ...(o.amount ? { amount: o.amount } : { duration: o.duration ?? 60 }),
        timeout: 10,
        requests: [{ method: 'GET', setupRequest: (req: Record<string, unknown>) => ({ ...req, path: next() }) }],
      },
      (err, r) => {
        clearInterval(poll);
        if (err) return reject(err);
        resolve({
          label,
          connections: o.connections,
          seconds: r.duration,
          requests: r.requests.total,
          rps: r.requests.average,
          p50: r.latency.p50,
          p99: r.latency.p99,
          max: r.latency.max,
          errors: r.errors,
          timeouts: r.timeouts,
          non2xx: r.non2xx,
          statuses: Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([k, v]) => [k, v.count])),
        });
      },
    );
    let busy = false;
    const poll = setInterval(() => {
      if (!o.until || busy) return;
      busy = true;
      o.until()
        .then((done) => {
          if (done) inst.stop();
        })
        .finally(() => (busy = false));
    }, 1000);
  });
}

/** Samples the server's VmRSS every `everyMs` until stopped. */
function sampler(pid: number, everyMs = 2000): { stop: () => number[] } {
  const samples: number[] = [procStatus(pid).rss];
  const t = setInterval(() => samples.push(procStatus(pid).rss), everyMs);
  return {
    stop: () => {
      clearInterval(t);
      samples.push(procStatus(pid).rss);
      return samples;
    },
  };
}

function runIndex(out: string): Promise<{ code: number | null; seconds: number; stderr: string }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [CLI, 'index', '--input', CORPUS_1X, '--out', out, '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  return new Promise((r) => child.on('exit', (code) => r({ code, seconds: (performance.now() - t0) / 1000, stderr })));
}

async function ensureIndex(): Promise<void> {
  mkdirSync(WORK, { recursive: true });
  if (currentName(INDEX) !== undefined) {
    // Reuse it if this build of fahras can open it.
    const check = spawn(process.execPath, [CLI, 'search', 'النفط', '--index', INDEX, '--json', '--limit', '1'], { stdio: 'ignore' });
    const code = await new Promise<number | null>((r) => check.on('exit', r));
    if (code === 0) return;
  }
  console.log(`building ${INDEX} from ${CORPUS_1X}…`);
  const r = await runIndex(INDEX);
  if (r.code !== 0) throw new Error(`index build failed: ${r.stderr}`);
  console.log(`built in ${fx(r.seconds, 1)} s`);
}

async function stats(port: number): Promise<{ generation: string; documents: number; reloads: number }> {
  const res = await fetch(`http://127.0.0.1:${port}/api/stats`);
  return (await res.json()) as { generation: string; documents: number; reloads: number };
}

async function serve(dir: string): Promise<ServerStart> {
  const s = await startServer(dir);
  if (!s.ok) throw new Error(`fahras serve did not start: ${s.error}`);
  return s;
}

const enc = encodeURIComponent;
const rotate = (paths: string[]) => {
  let i = 0;
  return () => paths[i++ % paths.length];
};

// ---------------------------------------------------------------- phases

async function phaseLoad(queries: string[], duration: number) {
  const paths = queries.map((q) => `/api/search?q=${enc(q)}`);
  const out = [];
  for (const connections of [10, 50]) {
    const srv = await serve(INDEX);
    try {
      // Warm-up: one pass over the log, so the start RSS is the steady state, not the empty process.
      await hammer('warm-up', srv.port, rotate(paths), { connections: 4, amount: paths.length });
      const rssStart = procStatus(srv.pid).rss;
      const s = sampler(srv.pid);
      const run = await hammer(`search @${connections}`, srv.port, rotate(paths), { connections, duration });
      const samples = s.stop();
      const rssEnd = procStatus(srv.pid).rss;
      out.push({ ...run, rssReady: srv.rssAtReady, rssStart, rssEnd, rssMax: Math.max(...samples), growth: rssEnd / rssStart - 1 });
      console.log(`  ${run.label}: ${fx(run.rps, 0)} req/s, p50 ${run.p50} ms, p99 ${run.p99} ms, errors ${run.errors}, non-2xx ${run.non2xx}, RSS ${MB(rssStart)} → ${MB(rssEnd)} MB`);
    } finally {
      await srv.stop();
    }
  }
  return out;
}

async function phaseSwap(queries: string[]) {
  rmSync(SWAP_INDEX, { recursive: true, force: true });
  cpSync(INDEX, SWAP_INDEX, { recursive: true });
  const srv = await serve(SWAP_INDEX);
  try {
    const first = await stats(srv.port);
    const generations = [first.generation];
    const builds: { code: number | null; seconds: number }[] = [];
    const paths = [...queries.map((q) => `/api/search?q=${enc(q)}`), '/api/stats'];
    let doneAt = 0;
    // The rebuilds: one after the other, starting 5 s into the load.
    const rebuilding = (async () => {
      await sleep(5000);
      for (let k = 0; k < 2; k++) {
        const r = await runIndex(SWAP_INDEX);
        builds.push(r);
        console.log(`  rebuild ${k + 1}: exit ${r.code} after ${fx(r.seconds, 1)} s${r.code ? ` ${r.stderr}` : ''}`);
      }
    })();
    const s = sampler(srv.pid);
    const run = await hammer('search @10 during two rebuilds', srv.port, rotate(paths), {
      connections: 10,
      duration: 600,
      until: async () => {
        const st = await stats(srv.port);
        if (st.generation !== generations[generations.length - 1]) generations.push(st.generation);
        if (generations.length >= 3 && !doneAt) doneAt = Date.now();
        return doneAt > 0 && Date.now() - doneAt > 10_000;
      },
    });
    const samples = s.stop();
    await rebuilding;
    const last = await stats(srv.port);
    console.log(`  ${run.label}: ${run.requests} requests in ${run.seconds} s, ${fx(run.rps, 0)} req/s, p99 ${run.p99} ms, max ${run.max} ms, errors ${run.errors}, non-2xx ${run.non2xx}; generations ${generations.join(' → ')}; reloads ${last.reloads}`);
    return { ...run, generations, reloads: last.reloads, builds, rssFirst: samples[0], rssLast: samples[samples.length - 1], rssMax: Math.max(...samples) };
  } finally {
    await srv.stop();
    rmSync(SWAP_INDEX, { recursive: true, force: true });
  }
}

async function phaseSoak(queries: string[], prefixes: string[], amount: number) {
  const reader = await openIndexReader(INDEX);
  const ids = reader.segments.flatMap((s) => s.reader.ids).filter((_, i) => i % 7 === 0);
  reader.close();
  const bad = [
    '/api/search?q=',
    '/api/search?q=%20%20',
    `/api/search?q=${enc('النفط')}&limit=-1`,
    `/api/search?q=${enc('النفط')}&limit=1e9`,
    `/api/search?q=${enc('النفط')}&offset=NaN`,
    '/api/search?q=a&q=b',
    `/api/search?q=${'a'.repeat(600)}`,
    '/api/search?q=%ED%A0%80',
    '/api/search?q=%E0%A4%A',
    '/api/suggest',
    '/api/suggest?q=a&limit=99',
    '/api/documents/no-such-document',
    '/api/documents/..%2f..%2fetc%2fpasswd',
    '/static/..%2f..%2fpackage.json',
    '/api/nothing',
  ];
  // One cycle of 20: 11 searches, 3 suggestions, 2 documents, 1 highlighted document, 1 results page, 2 bad requests.
  let n = 0;
  let badSent = 0;
  const counters = { search: 0, suggest: 0, doc: 0, page: 0 };
  const next = () => {
    const k = n++;
    const slot = k % 20;
    const q = queries[k % queries.length];
    if (slot < 11) return counters.search++, `/api/search?q=${enc(q)}`;
    if (slot < 14) return counters.suggest++, `/api/suggest?q=${enc(prefixes[k % prefixes.length])}`;
    if (slot < 16) return counters.doc++, `/api/documents/${enc(ids[k % ids.length])}`;
    if (slot === 16) return counters.doc++, `/api/documents/${enc(ids[(k * 7) % ids.length])}?q=${enc(q)}`;
    if (slot === 17) return counters.page++, `/?q=${enc(q)}`;
    badSent++;
    return bad[k % bad.length];
  };
  const srv = await serve(INDEX);
  try {
    const s = sampler(srv.pid, 2000);
    const run = await hammer(`soak of ${amount} mixed requests @10`, srv.port, next, { connections: 10, amount });
    const samples = s.stop();
    const fives = Object.entries(run.statuses).filter(([k]) => k.startsWith('5')).reduce((a, [, v]) => a + v, 0);
    const fours = Object.entries(run.statuses).filter(([k]) => k.startsWith('4')).reduce((a, [, v]) => a + v, 0);
    console.log(`  ${run.label}: ${run.requests} in ${run.seconds} s, ${fx(run.rps, 0)} req/s, p50 ${run.p50} ms, p99 ${run.p99} ms, statuses ${JSON.stringify(run.statuses)}, bad sent ${badSent}, errors ${run.errors}; RSS first ${MB(samples[0])}, last ${MB(samples[samples.length - 1])}, max ${MB(Math.max(...samples))} MB`);
    return { ...run, badSent, fours, fives, counters, rssSamples: samples, rssFirst: samples[0], rssLast: samples[samples.length - 1], rssMax: Math.max(...samples) };
  } finally {
    await srv.stop();
  }
}

async function phaseWorst(queries: string[]) {
  const heavy: [string, string][] = [
    ['a one-letter prefix', 'ا*'],
    ['the two-letter prefix ال*', 'ال*'],
    ['128 prefixes ال* (512 chars)', 'ال* '.repeat(128).slice(0, 512)],
    ['34 phrases "أسعار النفط" (512 chars)', '"أسعار النفط" '.repeat(34).slice(0, 512)],
    ['a phrase of 90 common words', `"${'في المملكة العربية السعودية '.repeat(20)}"`.slice(0, 512)],
    ['100 frequent words, mode=all', 'المملكة '.repeat(64).slice(0, 512)],
    ['256 one-letter words', 'ب '.repeat(256).slice(0, 512)],
    ['a 512-letter word (did-you-mean)', 'ن'.repeat(512)],
    ['a misspelling (did-you-mean)', 'السعوديهة الرياضض'],
  ];
  const srv = await serve(INDEX);
  const out = [];
  const slowest: { q: string; ms: number; total: number }[] = [];
  try {
    // Every query of the log once, one at a time: the slowest ones.
    for (const q of queries) {
      const t0 = performance.now();
      const res = await fetch(`http://127.0.0.1:${srv.port}/api/search?q=${enc(q)}`);
      const body = (await res.json()) as { total?: number };
      slowest.push({ q, ms: performance.now() - t0, total: body.total ?? -1 });
    }
    slowest.sort((a, b) => b.ms - a.ms);
    slowest.length = 5;
    for (const x of slowest) console.log(`  slowest of the log: ${JSON.stringify(x.q)} ${fx(x.ms, 0)} ms, ${x.total} hits`);
    for (const [name, q] of heavy) {
      const times: number[] = [];
      let status = 0;
      let total = 0;
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        const res = await fetch(`http://127.0.0.1:${srv.port}/api/search?q=${enc(q)}${name.includes('mode=all') ? '&mode=all' : ''}`);
        const body = (await res.json()) as { total?: number };
        times.push(performance.now() - t0);
        status = res.status;
        total = body.total ?? -1;
      }
      times.sort((a, b) => a - b);
      out.push({ name, status, total, ms: times[1] });
      console.log(`  ${name}: ${status}, ${total} hits, median ${fx(times[1], 0)} ms`);
    }
  } finally {
    await srv.stop();
  }
  return { heavy: out, slowest };
}

async function main(): Promise<void> {
  const phases = (arg('phase', 'load,swap,soak,worst') ?? '').split(',');
  const duration = Number(arg('duration', '60'));
  const amount = Number(arg('soak', '200000'));
  if (!existsSync(CORPUS_1X)) throw new Error(`corpus not found: ${CORPUS_1X}`);
  await ensureIndex();
  // The perf engineer's query log when it is there (bench/querylog.ts writes it), else made afresh.
  const qf = join(OUT, 'queries-1.txt');
  const pf = join(OUT, 'prefixes-1.txt');
  const lines = (f: string) => readFileSync(f, 'utf8').split('\n').filter(Boolean);
  const log = existsSync(qf) && existsSync(pf) ? { queries: lines(qf), prefixes: lines(pf) } : await makeQueryLog(1);
  console.log(`fahras ${revision()}, ${CLI}; ${log.queries.length} queries, ${log.prefixes.length} prefixes`);
  const outFile = join(OUT, 'reliability-load.json');
  const results: Record<string, unknown> = existsSync(outFile) ? (JSON.parse(readFileSync(outFile, 'utf8')) as Record<string, unknown>) : {};
  results.revision = revision();
  const save = () => writeFileSync(outFile, JSON.stringify(results, null, 1));
  if (phases.includes('load')) {
    console.log(`load: ${duration} s at 10 and 50 connections`);
    results.load = await phaseLoad(log.queries, duration);
    save();
  }
  if (phases.includes('swap')) {
    console.log('swap: 10 connections while the index is rebuilt twice');
    results.swap = await phaseSwap(log.queries);
    save();
  }
  if (phases.includes('soak')) {
    console.log(`soak: ${amount} mixed requests at 10 connections`);
    results.soak = await phaseSoak(log.queries, log.prefixes, amount);
    save();
  }
  if (phases.includes('worst')) {
    console.log('worst-case single queries');
    results.worst = await phaseWorst(log.queries);
    save();
  }
  const rows: (string | number)[][] = [['run', 'requests', 's', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'non-2xx', 'RSS start→end MB']];
  for (const r of (results.load as (Run & { rssStart: number; rssEnd: number })[] | undefined) ?? []) rows.push([r.label, r.requests, fx(r.seconds, 0), fx(r.rps, 0), r.p50, r.p99, r.max, r.errors, r.non2xx, `${MB(r.rssStart)}→${MB(r.rssEnd)}`]);
  const sw = results.swap as (Run & { rssFirst: number; rssLast: number }) | undefined;
  if (sw) rows.push([sw.label, sw.requests, fx(sw.seconds, 0), fx(sw.rps, 0), sw.p50, sw.p99, sw.max, sw.errors, sw.non2xx, `${MB(sw.rssFirst)}→${MB(sw.rssLast)}`]);
  const so = results.soak as (Run & { rssFirst: number; rssLast: number }) | undefined;
  if (so) rows.push([so.label, so.requests, fx(so.seconds, 0), fx(so.rps, 0), so.p50, so.p99, so.max, so.errors, so.non2xx, `${MB(so.rssFirst)}→${MB(so.rssLast)}`]);
  console.log(table(rows));
  console.log(`wrote ${outFile}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}

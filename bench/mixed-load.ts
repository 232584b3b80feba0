/**
 * Writes and searches at once against `fahras serve` on a copy of the 4×
 * index (bench/writes.ts builds it). The writer (bench/children/mixed-writer.js,
 * a process of its own) sends one document a PUT at --rate documents/s (50;
 * open loop: on schedule, whatever is still unanswered; half new ids, half
 * replacing articles of the index), each carrying a word of its own, and once
 * a PUT is answered searches for that word: the time from acknowledgement to
 * visibility. Meanwhile autocannon keeps --connections (20) connections
 * searching the fixed query log. Merges run as the server's policy decides
 * (FAHRAS_MERGE_FACTOR, default 10).
 *
 * Phases on one server: 5 s of searches (warm-up), --baseline s (30) of
 * searches alone (the baseline), --warmup s (10) of writes and searches (the
 * staging worker starts, code warms up; not counted), then --duration s (60)
 * of writes and searches, measured.
 *
 * Reported: search req/s and latency with and without writes, errors and
 * non-2xx of both, write latency (request to acknowledgement) and failures,
 * acknowledgement to visibility, segments and merges, server RSS.
 *
 *   npm run build && npx tsx bench/mixed-load.ts [--duration 60] [--rate 50] [--connections 20] [--baseline 30] [--warmup 10]
 */
import { execFile } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hammer, type LoadRun } from './http.js';
import { MB, OUT, arg, childProgram, ensureDirs, fx, header, percentile, procStatus, ratio, table } from './common.js';
import { corpusFor, records, type CorpusRecord } from './corpus.js';
import { makeQueryLog } from './querylog.js';
import { startServer } from './startup.js';
import { BASE_INDEX, ensureBaseIndex, WRITES_DIR } from './writes.js';

const TOKEN = 'mixed-load-benchmark-token-0123456789';

interface Write {
  sent: number;
  latency: number;
  status: number;
  visible: number;
  /** Searches it took to find it (1: the first search after the acknowledgement). */
  searches: number;
}

/** Connections the kernel dropped because a listening socket's accept queue was full (machine-wide; a dropped SYN is retried after 1, 3, 7… s). */
function listenOverflows(): number {
  const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const names = lines[i].split(/\s+/);
    const at = names.indexOf('ListenOverflows');
    if (at >= 0) return Number(lines[i + 1].split(/\s+/)[at]);
  }
  return NaN;
}

function stats(xs: number[]): { n: number; p50: number; p99: number; max: number } {
  const s = Float64Array.from(xs).sort();
  return { n: xs.length, p50: percentile(s, 0.5), p99: percentile(s, 0.99), max: s.length ? s[s.length - 1] : NaN };
}

/** Runs the writer child for `seconds` and returns its writes. */
function writer(url: string, docsFile: string, seconds: number, rate: number, prefix: string): Promise<Write[]> {
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      [childProgram('mixed-writer.js')],
      { env: { ...process.env, BENCH_URL: url, BENCH_TOKEN: TOKEN, BENCH_SECONDS: String(seconds), BENCH_RATE: String(rate), BENCH_DOCS: docsFile, BENCH_PREFIX: prefix }, maxBuffer: 256 << 20 },
      (e, stdout) => (e ? reject(e) : resolve(JSON.parse(stdout) as Write[])),
    ),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureDirs();
  const duration = Number(arg('duration', '60'));
  const rate = Number(arg('rate', '50'));
  const connections = Number(arg('connections', '20'));
  const baselineS = Number(arg('baseline', '30'));
  const warmupS = Number(arg('warmup', '10'));
  await ensureBaseIndex(false);
  const index = join(WRITES_DIR, 'mixed');
  rmSync(index, { recursive: true, force: true });
  cpSync(BASE_INDEX, index, { recursive: true });
  header(`Mixed load, 4×: ${rate} documents/s written while ${connections} connections search, ${duration} s (baseline: ${baselineS} s of searches alone; ${warmupS} s of writes before, not counted)`);
  console.log(`result cache: FAHRAS_CACHE_SIZE=${process.env.FAHRAS_CACHE_SIZE ?? '(default, 1000)'}; merges: FAHRAS_MERGE_FACTOR=${process.env.FAHRAS_MERGE_FACTOR ?? '(default, 10)'}`);

  // The documents to write: articles of the corpus, one in 97.
  const input = await corpusFor(4);
  const docs: CorpusRecord[] = [];
  const need = Math.ceil(rate * (duration + warmupS) * 1.1);
  let n = 0;
  for await (const r of records(input)) {
    if (n++ % 97 === 0 && typeof r.text === 'string' && r.text.trim()) docs.push({ id: r.id, title: r.title, text: r.text, source: r.source, date: r.date });
    if (docs.length >= need) break;
  }
  const docsFile = join(WRITES_DIR, 'mixed-docs.json');
  writeFileSync(docsFile, JSON.stringify(docs));

  process.env.FAHRAS_ADMIN_TOKEN = TOKEN;
  const srv = await startServer(index);
  if (!srv.ok) throw new Error(`fahras serve did not start: ${srv.error}`);
  const url = `http://127.0.0.1:${srv.port}`;
  const { queries } = await makeQueryLog(4);
  const paths = queries.map((q) => `/api/search?q=${encodeURIComponent(q)}&limit=10`);

  await hammer(srv.port, paths, connections, 5);
  const baseline = await hammer(srv.port, paths, connections, baselineS);
  console.log(`searches alone: ${fx(baseline.rps, 0)} req/s, p50 ${baseline.p50} ms, p99 ${baseline.p99} ms, non-2xx ${baseline.non2xx}, errors ${baseline.errors}`);

  if (warmupS > 0) {
    const [warm] = await Promise.all([writer(url, docsFile, warmupS, rate, 'wup'), hammer(srv.port, paths, connections, warmupS)]);
    const wl = stats(warm.filter((w) => w.status > 0 && w.status < 300).map((w) => w.latency));
    console.log(`warm-up (not counted): ${warm.length} writes, latency p50 ${fx(wl.p50, 0)} ms, max ${fx(wl.max, 0)} ms`);
  }

  const rss: number[] = [];
  const sampler = setInterval(() => rss.push(procStatus(srv.pid).rss), 1000);
  const overflowsBefore = listenOverflows();
  const [writes, mixed]: [Write[], LoadRun] = await Promise.all([writer(url, docsFile, duration, rate, 'wmk'), hammer(srv.port, paths, connections, duration)]);
  clearInterval(sampler);
  const overflows = listenOverflows() - overflowsBefore;
  const st = (await (await fetch(`${url}/api/stats`)).json()) as Record<string, unknown>;
  const hwm = procStatus(srv.pid).hwm;
  await srv.stop();

  const acked = writes.filter((w) => w.status > 0 && w.status < 300);
  const failed = writes.filter((w) => !(w.status > 0 && w.status < 300));
  const writeLat = stats(acked.map((w) => w.latency));
  const vis = stats(acked.filter((w) => w.visible >= 0).map((w) => w.visible));
  const neverSeen = acked.filter((w) => w.visible < 0).length;
  const firstSearch = acked.filter((w) => w.searches === 1 && w.visible >= 0).length;
  console.log(`searches with writes: ${fx(mixed.rps, 0)} req/s, p50 ${mixed.p50} ms, p99 ${mixed.p99} ms, non-2xx ${mixed.non2xx} (by status ${JSON.stringify(mixed.statuses)}), errors ${mixed.errors}`);
  console.log(`writes: ${writes.length} sent (${fx(writes.length / duration, 1)}/s), ${acked.length} acknowledged, ${failed.length} failed${failed.length ? ` (statuses ${[...new Set(failed.map((w) => w.status || 'no answer'))].join(', ')})` : ''}`);
  console.log(`write latency (sent → acknowledged): p50 ${fx(writeLat.p50, 1)} ms, p99 ${fx(writeLat.p99, 1)} ms, max ${fx(writeLat.max, 1)} ms`);
  console.log(`acknowledged → visible to a search on another connection: p50 ${fx(vis.p50, 1)} ms, p99 ${fx(vis.p99, 1)} ms, max ${fx(vis.max, 1)} ms; never seen within 10 s: ${neverSeen}`);
  console.log(`found by the first search sent after the acknowledgement: ${firstSearch} of ${acked.length}`);
  console.log(`connections dropped by full accept queues on this machine during the run (any process): ${overflows}`);
  console.log(`server at the end: ${st.documents} documents, ${st.segments} segments, ${st.deleted} deleted awaiting a merge, ${st.reloads} generations loaded; RSS ${MB(Math.min(...rss))}–${MB(Math.max(...rss))} MB, peak ${MB(hwm)} MB`);
  console.log(
    '\n' +
      table([
        ['searches', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'non-2xx', 'errors'],
        ['alone', fx(baseline.rps, 0), baseline.p50, baseline.p99, baseline.max, baseline.non2xx, baseline.errors + baseline.timeouts],
        [`with ${rate} writes/s`, fx(mixed.rps, 0), mixed.p50, mixed.p99, mixed.max, mixed.non2xx, mixed.errors + mixed.timeouts],
      ]),
  );
  console.log(`with writes / alone: req/s ${ratio(mixed.rps, baseline.rps)}, p50 ${ratio(mixed.p50, baseline.p50)}, p99 ${ratio(mixed.p99, baseline.p99)}`);
  const outFile = join(OUT, 'mixed-load-4x.json');
  writeFileSync(outFile, JSON.stringify({ duration, rate, connections, baseline, mixed, writes: { sent: writes.length, acked: acked.length, failed: failed.length, latency: writeLat, visibility: vis, neverSeen, firstSearch }, listenOverflows: overflows, stats: st, rss: { min: Math.min(...rss), max: Math.max(...rss), hwm } }, null, 1));
  console.log(`wrote ${outFile}`);
}

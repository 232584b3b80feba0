/**
 * Writes and searches at once against `fahras serve` on a copy of the 4×
 * index (bench/writes.ts builds it): for --duration seconds (60), one
 * document a PUT at --rate documents/s (50; open loop: sent on schedule
 * whether or not earlier ones are answered; half new ids, half replacing
 * articles of the index) while autocannon keeps --connections (20)
 * connections searching the fixed query log. Each written document carries
 * a word of its own; once its PUT is answered, a search for that word
 * (another connection) measures the time from acknowledgement to
 * visibility. Merges run as the server's policy decides (FAHRAS_MERGE_FACTOR,
 * default 10). The baseline, in the same invocation and on the same server:
 * --baseline seconds (30) of the same searches with no writes.
 *
 * Reported: search req/s and latency with and without writes, errors and
 * non-2xx of both, write latency (request to acknowledgement), time from
 * acknowledgement to visibility, segments and merges, server RSS.
 *
 *   npm run build && npx tsx bench/mixed-load.ts [--duration 60] [--rate 50] [--connections 20] [--baseline 30]
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hammer, type LoadRun } from './http.js';
import { MB, OUT, arg, ensureDirs, fx, header, percentile, procStatus, ratio, sleep, table } from './common.js';
import { corpusFor, records, type CorpusRecord } from './corpus.js';
import { makeQueryLog } from './querylog.js';
import { startServer } from './startup.js';
import { BASE_INDEX, ensureBaseIndex, WRITES_DIR } from './writes.js';
import { cpSync, rmSync } from 'node:fs';

const TOKEN = 'mixed-load-benchmark-token-0123456789';

interface Write {
  sentAt: number;
  ackAt?: number;
  visibleAt?: number;
  status?: number;
  error?: string;
}

function stats(xs: number[]): { n: number; p50: number; p99: number; max: number } {
  const s = Float64Array.from(xs).sort();
  return { n: xs.length, p50: percentile(s, 0.5), p99: percentile(s, 0.99), max: s.length ? s[s.length - 1] : NaN };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureDirs();
  const duration = Number(arg('duration', '60'));
  const rate = Number(arg('rate', '50'));
  const connections = Number(arg('connections', '20'));
  const baselineS = Number(arg('baseline', '30'));
  await ensureBaseIndex(false);
  const index = join(WRITES_DIR, 'mixed');
  rmSync(index, { recursive: true, force: true });
  cpSync(BASE_INDEX, index, { recursive: true });
  header(`Mixed load, 4×: ${rate} documents/s written while ${connections} connections search, ${duration} s (baseline: ${baselineS} s of searches alone)`);
  console.log(`result cache: FAHRAS_CACHE_SIZE=${process.env.FAHRAS_CACHE_SIZE ?? '(default, 1000)'}; merges: FAHRAS_MERGE_FACTOR=${process.env.FAHRAS_MERGE_FACTOR ?? '(default, 10)'}`);

  // The documents to write: articles of the corpus, every other one under a new id.
  const input = await corpusFor(4);
  const docs: CorpusRecord[] = [];
  const need = Math.ceil(rate * duration * 1.1);
  let n = 0;
  for await (const r of records(input)) {
    if (n++ % 97 === 0 && typeof r.text === 'string' && r.text.trim()) docs.push(r);
    if (docs.length >= need) break;
  }

  process.env.FAHRAS_ADMIN_TOKEN = TOKEN;
  const srv = await startServer(index);
  if (!srv.ok) throw new Error(`fahras serve did not start: ${srv.error}`);
  const url = `http://127.0.0.1:${srv.port}`;
  const { queries } = await makeQueryLog(4);
  const paths = queries.map((q) => `/api/search?q=${encodeURIComponent(q)}&limit=10`);

  // Baseline: searches alone (after a short warm-up).
  await hammer(srv.port, paths, connections, 5);
  const baseline = await hammer(srv.port, paths, connections, baselineS);
  console.log(`searches alone: ${fx(baseline.rps, 0)} req/s, p50 ${baseline.p50} ms, p99 ${baseline.p99} ms, non-2xx ${baseline.non2xx}, errors ${baseline.errors}`);

  // Mixed: writes on schedule, visibility probes, searches; RSS sampled each second.
  const writes: Write[] = [];
  const rss: number[] = [];
  const sampler = setInterval(() => rss.push(procStatus(srv.pid).rss), 1000);
  const marker = (k: number) => `wmk${k.toString(36)}q`;
  const visible = async (w: Write, k: number) => {
    for (;;) {
      const r = await fetch(`${url}/api/search?q=${marker(k)}&limit=1`);
      const body = (await r.json()) as { total?: number };
      if (r.ok && body.total) {
        w.visibleAt = performance.now();
        return;
      }
      if (performance.now() - w.ackAt! > 10_000) return;
      await sleep(5);
    }
  };
  const write = async (k: number) => {
    const d = docs[k % docs.length];
    const id = k % 2 ? `live-${k}` : d.id;
    const w: Write = { sentAt: performance.now() };
    writes.push(w);
    try {
      const res = await fetch(`${url}/api/documents/${encodeURIComponent(id)}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ...d, id, text: `${d.text}\n${marker(k)}` }),
      });
      w.status = res.status;
      await res.arrayBuffer();
      w.ackAt = performance.now();
      if (res.status < 300) await visible(w, k);
    } catch (e) {
      w.error = (e as Error).message;
    }
  };
  const t0 = performance.now();
  const pending: Promise<void>[] = [];
  let k = 0;
  const scheduler = (async () => {
    for (; performance.now() - t0 < duration * 1000; k++) {
      const due = t0 + (k * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      pending.push(write(k));
    }
  })();
  const mixed: LoadRun = await hammer(srv.port, paths, connections, duration);
  await scheduler;
  await Promise.all(pending);
  clearInterval(sampler);
  const st = (await (await fetch(`${url}/api/stats`)).json()) as Record<string, unknown>;
  const hwm = procStatus(srv.pid).hwm;
  await srv.stop();

  const acked = writes.filter((w) => w.status !== undefined && w.status < 300);
  const failed = writes.filter((w) => w.error || (w.status ?? 0) >= 300);
  const writeLat = stats(acked.map((w) => w.ackAt! - w.sentAt));
  const vis = stats(acked.filter((w) => w.visibleAt).map((w) => w.visibleAt! - w.ackAt!));
  const neverSeen = acked.filter((w) => !w.visibleAt).length;
  console.log(`searches with writes: ${fx(mixed.rps, 0)} req/s, p50 ${mixed.p50} ms, p99 ${mixed.p99} ms, non-2xx ${mixed.non2xx}, errors ${mixed.errors}`);
  console.log(`writes: ${writes.length} sent (${fx(writes.length / duration, 1)}/s), ${acked.length} acknowledged, ${failed.length} failed${failed.length ? ` (${[...new Set(failed.map((w) => w.error ?? w.status))].join(', ')})` : ''}`);
  console.log(`write latency (sent → acknowledged): p50 ${fx(writeLat.p50, 1)} ms, p99 ${fx(writeLat.p99, 1)} ms, max ${fx(writeLat.max, 1)} ms`);
  console.log(`acknowledged → visible to a search on another connection: p50 ${fx(vis.p50, 1)} ms, p99 ${fx(vis.p99, 1)} ms, max ${fx(vis.max, 1)} ms; never seen within 10 s: ${neverSeen}`);
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
  writeFileSync(outFile, JSON.stringify({ duration, rate, connections, baseline, mixed, writes: { sent: writes.length, acked: acked.length, failed: failed.length, latency: writeLat, visibility: vis, neverSeen }, stats: st, rss: { min: Math.min(...rss), max: Math.max(...rss), hwm } }, null, 1));
  console.log(`wrote ${outFile}`);
}

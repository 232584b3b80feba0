/**
 * Where the local index stops fitting one machine: fahras's local mode on the SaudiNewsNet corpus
 * tiled 1×, 4×, 8× and 16× (up to ~490,000 articles), measuring what grows with the collection —
 * the build (wall time, peak RSS), the index on disk, `fahras serve` (spawn → /ready, RSS at
 * ready and after a search load), and search latency over HTTP with the result cache off
 * (every request searches) at 10 connections. The README's advice on when to move to an
 * OpenSearch cluster is drawn from these figures.
 *
 *   npm run build && npx tsx bench/local-limits.ts [--scales 1,4,8,16] [--duration 15]
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, MB, OUT, TMP, arg, dirBytes, ensureDirs, fx, header, procStatus, runMeasured, table } from './common.js';
import { CORPUS_1X, tile } from './corpus.js';
import { hammer, type LoadRun } from './http.js';
import { makeQueryLog } from './querylog.js';
import { startServer } from './startup.js';

interface Step {
  scale: number;
  docs: number;
  buildSeconds: number;
  buildPeakRss: number;
  indexBytes: number;
  readySeconds: number;
  rssAtReady: number;
  rssAfterLoad: number;
  hwm: number;
  load: LoadRun;
}

ensureDirs();
const scales = (arg('scales', '1,4,8,16') ?? '').split(',').map(Number);
const duration = Number(arg('duration', '15'));
header(`Local mode as the collection grows (${scales.map((s) => `${s}×`).join(', ')}), HTTP at 10 connections, result cache off`);
const { queries } = await makeQueryLog(1);
const paths = queries.map((q) => `/api/search?q=${encodeURIComponent(q)}&limit=10`);
process.env.FAHRAS_CACHE_SIZE = '0';

const steps: Step[] = [];
for (const scale of scales) {
  const input = scale === 1 ? CORPUS_1X : join(TMP, `snn-${scale}x.jsonl`);
  if (!existsSync(input)) {
    process.stderr.write(`writing ${input}…\n`);
    await tile(scale, input);
  }
  const out = join(TMP, `limits-${scale}x`);
  rmSync(out, { recursive: true, force: true });
  const b = await runMeasured(process.execPath, [CLI, 'index', '--input', input, '--out', out, '--quiet']);
  if (b.code !== 0) throw new Error(b.stderr);
  const docs = Number(/indexed (\d+) documents/.exec(b.stdout)?.[1]);
  const srv = await startServer(out);
  if (!srv.ok) throw new Error(`serve failed at ${scale}×: ${srv.error}`);
  let load: LoadRun;
  let st: { rss: number; hwm: number };
  try {
    await hammer(srv.port, paths, 10, 5);
    load = await hammer(srv.port, paths, 10, duration);
    st = procStatus(srv.pid);
  } finally {
    await srv.stop();
  }
  steps.push({ scale, docs, buildSeconds: b.seconds, buildPeakRss: b.peakRss, indexBytes: dirBytes(out), readySeconds: srv.seconds, rssAtReady: srv.rssAtReady, rssAfterLoad: st.rss, hwm: st.hwm, load });
  const s = steps[steps.length - 1];
  console.log(`${scale}×: ${docs} docs, build ${fx(s.buildSeconds, 1)} s, peak ${MB(s.buildPeakRss)} MB, index ${MB(s.indexBytes)} MiB, ready ${fx(s.readySeconds, 2)} s, RSS ${MB(s.rssAtReady)} → ${MB(s.rssAfterLoad)} MB (peak ${MB(s.hwm)}), ${fx(load.rps, 0)} req/s, p50 ${load.p50} ms, p99 ${load.p99} ms`);
  rmSync(out, { recursive: true, force: true });
}

console.log(
  '\n' +
    table([
      ['scale', 'documents', 'build s', 'build peak RSS MB', 'index MiB', 'serve → /ready s', 'serve RSS at ready MB', 'serve RSS after load MB', 'req/s', 'p50 ms', 'p99 ms'],
      ...steps.map((s) => [`${s.scale}×`, s.docs, fx(s.buildSeconds, 1), MB(s.buildPeakRss), MB(s.indexBytes), fx(s.readySeconds, 2), MB(s.rssAtReady), MB(s.rssAfterLoad), fx(s.load.rps, 0), s.load.p50, s.load.p99]),
    ]),
);
const file = join(OUT, 'local-limits.json');
writeFileSync(file, JSON.stringify({ scales, duration, steps }, null, 1));
console.log(`wrote ${file}`);

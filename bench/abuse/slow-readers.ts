/**
 * Clients that do not read their answers: `--connections` sockets (from
 * 127.0.0.2, so the normal client keeps its own rate-limit allowance) each
 * pipeline `--pipelined` requests for `/doc/<id>` pages of the longest
 * documents in one write and never read. The server runs with the README's
 * `--max-old-space-size=256` (`--heap default` leaves V8's own limit, `--heap
 * N` sets another) and the default rate limit. Sampled every
 * 250 ms: the server's RSS; every 200 ms a normal client (127.0.0.1) searches.
 * With `--continuous` each socket sends its batch again whenever the server
 * has read the last one. After `--seconds` the sockets are closed and RSS is read again 10 s later.
 * Run for the build under test and a baseline build in the same invocation:
 *
 *   npx tsx bench/abuse/slow-readers.ts --base bench/out/rev-115059b/dist --base-index /tmp/fahras-rel/old-1x \
 *     --index /tmp/fahras-rel/new-1x [--connections 40] [--pipelined 200] [--seconds 20]
 */
import { connect, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeFileSync } from 'node:fs';
import { DIST, MB, OUT, arg, ensureDirs, fx, percentile, sleep, table } from '../common.js';
import { serveDist, type Served } from './serve.js';

interface Outcome {
  build: string;
  rssReady: number;
  rssPeak: number;
  rssEnd: number;
  rssAfter: number;
  alive: boolean;
  exit?: string;
  normal: { sent: number; ok: number; p50: number; max: number };
  attackConnectionsClosedByServer: number;
}

async function longestIds(index: string, dist: string, n: number): Promise<string[]> {
  const lib = (await import(pathToFileURL(resolve(dist, 'lib.js')).href)) as typeof import('../../src/lib.js');
  const s = await lib.openIndex(index);
  const docs = [...Array(s.size).keys()].sort((a, b) => s.index.arrays.textLength[b] - s.index.arrays.textLength[a]).slice(0, n);
  const ids = docs.map((d) => s.index.idOf(d));
  s.close();
  return ids;
}

async function attack(dist: string, index: string, ids: string[], connections: number, pipelined: number, seconds: number, label: string, continuous: boolean, nodeArgs: string[]): Promise<Outcome> {
  const srv: Served = await serveDist(dist, index, {}, nodeArgs);
  const rssReady = srv.rss();
  const sockets: Socket[] = [];
  let closedByServer = 0;
  for (let c = 0; c < connections; c++) {
    const s = connect({ port: srv.port, host: '127.0.0.1', localAddress: '127.0.0.2' });
    s.on('error', () => undefined);
    s.on('close', () => closedByServer++);
    let batch = '';
    for (let i = 0; i < pipelined; i++) batch += `GET /doc/${encodeURIComponent(ids[(c * pipelined + i) % ids.length])} HTTP/1.1\r\nHost: x\r\n\r\n`;
    s.write(batch);
    s.pause();
    sockets.push(s);
    // --continuous: keep sending the same batch whenever the server has taken the last one.
    if (continuous) {
      const more = setInterval(() => (s.destroyed ? clearInterval(more) : s.writableLength === 0 && s.write(batch)), 100);
      s.on('close', () => clearInterval(more));
    }
  }
  let rssPeak = rssReady;
  const sampler = setInterval(() => {
    const r = srv.rss();
    if (Number.isFinite(r)) rssPeak = Math.max(rssPeak, r);
  }, 250);
  const latencies: number[] = [];
  let sent = 0;
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end && srv.alive()) {
    sent++;
    const t0 = performance.now();
    try {
      const r = await fetch(`${srv.url}/api/search?q=${encodeURIComponent('أسعار النفط')}&limit=10`, { signal: AbortSignal.timeout(5000) });
      await r.arrayBuffer();
      if (r.status === 200) latencies.push(performance.now() - t0);
    } catch {
      // counted as not answered
    }
    await sleep(200);
  }
  const rssEnd = srv.rss();
  const closedBefore = closedByServer;
  for (const s of sockets) s.destroy();
  await sleep(10_000);
  clearInterval(sampler);
  const alive = srv.alive();
  const rssAfter = srv.rss();
  let exit: string | undefined;
  if (!alive) {
    const e = await srv.exit;
    exit = `${e.code ?? e.signal}: ${srv.stderr().trim().split('\n').slice(-1)[0] ?? ''}`.slice(0, 200);
  }
  await srv.stop();
  latencies.sort((a, b) => a - b);
  const o: Outcome = { build: label, rssReady, rssPeak, rssEnd, rssAfter, alive, exit, normal: { sent, ok: latencies.length, p50: percentile(latencies, 0.5), max: latencies[latencies.length - 1] ?? NaN }, attackConnectionsClosedByServer: closedBefore };
  console.log(`${label}: RSS ready ${MB(rssReady)} MB, peak ${MB(rssPeak)}, at the end ${MB(rssEnd)}, 10 s after closing ${MB(rssAfter)}; alive ${alive}${exit ? ` (${exit})` : ''}; normal client ${o.normal.ok}/${sent} answered, p50 ${fx(o.normal.p50, 1)} ms, max ${fx(o.normal.max, 1)} ms; attack connections closed by the server ${closedBefore}`);
  return o;
}

async function main(): Promise<void> {
  const connections = Number(arg('connections', '40'));
  const pipelined = Number(arg('pipelined', '200'));
  const seconds = Number(arg('seconds', '20'));
  const continuous = process.argv.includes('--continuous');
  const heap = arg('heap', '256')!;
  const nodeArgs = heap === 'default' ? [] : [`--max-old-space-size=${heap}`];
  const index = arg('index', '/tmp/fahras-rel/new-1x')!;
  const base = arg('base');
  const baseIndex = arg('base-index');
  const ids = await longestIds(index, DIST, 200);
  console.log(`${connections} connections × ${pipelined} pipelined /doc/<id> (the 200 longest documents), never read${continuous ? ', sent again whenever taken' : ''}; heap ${heap === 'default' ? 'V8 default' : `--max-old-space-size=${heap}`}, default rate limit`);
  const out: Outcome[] = [];
  if (base && baseIndex) out.push(await attack(base, baseIndex, ids, connections, pipelined, seconds, `baseline ${base}`, continuous, nodeArgs));
  out.push(await attack(DIST, index, ids, connections, pipelined, seconds, `under test ${DIST}`, continuous, nodeArgs));
  console.log(table([['build', 'RSS ready MB', 'peak MB', 'end MB', '10 s after close MB', 'alive', 'normal answered', 'normal p50 ms'], ...out.map((o) => [o.build, MB(o.rssReady), MB(o.rssPeak), MB(o.rssEnd), MB(o.rssAfter), String(o.alive), `${o.normal.ok}/${o.normal.sent}`, fx(o.normal.p50, 1)])]));
  ensureDirs();
  writeFileSync(join(OUT, `slow-readers-${connections}x${pipelined}${continuous ? '-continuous' : ''}-heap-${heap}.json`), JSON.stringify(out, null, 1));
}

await main();

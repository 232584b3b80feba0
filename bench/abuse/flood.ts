/**
 * One client floods expensive queries while another searches normally.
 * For each build: `fahras serve` with the default rate limit and the result
 * cache off (every request searches; 50 copies of one query would otherwise
 * be 1 search and 49 cache hits). The normal client (127.0.0.1) sends the
 * benchmark query log one request at a time, at most 8 a second (within the
 * default rate limit): first alone for `--seconds`
 * (the quiet p50/p99), then while the flooding client (127.0.0.2) keeps
 * `--copies` copies of the catalogue's query `--query` in flight for as long.
 *
 *   npx tsx bench/abuse/flood.ts --base bench/out/rev-115059b/dist --base-index /tmp/fahras-rel/old-1x \
 *     --index /tmp/fahras-rel/new-1x [--copies 50] [--seconds 30] [--query 'عام عام']
 */
import { Agent, get } from 'node:http';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIST, OUT, arg, ensureDirs, fx, percentile, table } from '../common.js';
import { makeQueryLog } from '../querylog.js';
import { catalogue, commonWords } from './queries.js';
import { serveDist } from './serve.js';

/** One normal request every this many ms at most: 8 a second. */
const NORMAL_PACE_MS = 125;

interface Answer {
  status: number;
  ms: number;
}

function request(url: string, agent: Agent, timeoutMs: number): Promise<Answer> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = get(url, { agent, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
      res.on('error', () => resolve({ status: 0, ms: performance.now() - t0 }));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve({ status: 0, ms: performance.now() - t0 }));
  });
}

interface Phase {
  sent: number;
  ok: number;
  p50: number;
  p99: number;
  max: number;
}

function summary(answers: Answer[]): Phase {
  const ok = answers.filter((a) => a.status === 200).map((a) => a.ms).sort((a, b) => a - b);
  return { sent: answers.length, ok: ok.length, p50: percentile(ok, 0.5), p99: percentile(ok, 0.99), max: ok[ok.length - 1] ?? NaN };
}

async function normalClient(base: string, queries: string[], start: number, seconds: number): Promise<Answer[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1, localAddress: '127.0.0.1' });
  const out: Answer[] = [];
  const end = Date.now() + seconds * 1000;
  for (let i = start; Date.now() < end; i++) {
    const t0 = Date.now();
    out.push(await request(`${base}/api/search?q=${encodeURIComponent(queries[i % queries.length])}`, agent, 180_000));
    // Paced within the default rate limit (600 a minute) over warm-up, quiet and flooded phases together.
    await new Promise((r) => setTimeout(r, Math.max(0, NORMAL_PACE_MS - (Date.now() - t0))));
  }
  agent.destroy();
  return out;
}

async function run(dist: string, index: string, label: string, queries: string[], attack: string, copies: number, seconds: number) {
  const srv = await serveDist(dist, index, { FAHRAS_CACHE_SIZE: '0' });
  try {
    await normalClient(srv.url, queries, 0, 3); // warm-up
    const quiet = summary(await normalClient(srv.url, queries, 200, seconds));
    const flooder = new Agent({ keepAlive: true, maxSockets: copies, localAddress: '127.0.0.2' });
    const statuses: Record<string, number> = {};
    let flooding = true;
    const loop = async () => {
      while (flooding) {
        const a = await request(`${srv.url}${attack}`, flooder, 600_000);
        statuses[a.status] = (statuses[a.status] ?? 0) + 1;
      }
    };
    const loops = Array.from({ length: copies }, loop);
    const under = summary(await normalClient(srv.url, queries, 600, seconds));
    flooding = false;
    flooder.destroy();
    await Promise.race([Promise.all(loops), new Promise((r) => setTimeout(r, 5000))]);
    const row = { label, quiet, under, flood: statuses, alive: srv.alive() };
    console.log(`${label}: quiet p50 ${fx(quiet.p50, 1)} / p99 ${fx(quiet.p99, 1)} ms (${quiet.ok}/${quiet.sent}); under the flood p50 ${fx(under.p50, 1)} / p99 ${fx(under.p99, 1)} / max ${fx(under.max, 0)} ms (${under.ok}/${under.sent} answered 200); flood answers ${JSON.stringify(statuses)}`);
    return row;
  } finally {
    await srv.stop();
  }
}

async function main(): Promise<void> {
  const index = arg('index', '/tmp/fahras-rel/new-1x')!;
  const base = arg('base');
  const baseIndex = arg('base-index');
  const copies = Number(arg('copies', '50'));
  const seconds = Number(arg('seconds', '30'));
  const wanted = arg('query', 'عام عام')!;
  const entry = catalogue(await commonWords(DIST, index)).find((c) => c.name === wanted) ?? catalogue(await commonWords(DIST, index)).find((c) => c.name.includes(wanted) || c.q.includes(wanted));
  if (!entry) throw new Error(`no catalogue query matches ${wanted}`);
  const qf = join(OUT, 'queries-1.txt');
  const queries = existsSync(qf) ? readFileSync(qf, 'utf8').split('\n').filter(Boolean) : (await makeQueryLog(1)).queries;
  console.log(`flood: ${copies} copies of "${entry.name}" in flight from 127.0.0.2; the query log one at a time from 127.0.0.1; ${seconds} s each; cache off, default rate limit`);
  const rows = [];
  const attack = `/api/search?q=${encodeURIComponent(entry.q)}${entry.mode ? `&mode=${entry.mode}` : ''}${entry.limit ? `&limit=${entry.limit}` : ''}`;
  if (base && baseIndex) rows.push(await run(base, baseIndex, `baseline ${base}`, queries, attack, copies, seconds));
  rows.push(await run(DIST, index, `under test ${DIST}`, queries, attack, copies, seconds));
  console.log(
    table([
      ['build', 'quiet p50 ms', 'quiet p99 ms', 'flooded p50 ms', 'flooded p99 ms', 'flooded max ms', 'normal answered', 'flood answers'],
      ...rows.map((r) => [r.label, fx(r.quiet.p50, 1), fx(r.quiet.p99, 1), fx(r.under.p50, 1), fx(r.under.p99, 1), fx(r.under.max, 0), `${r.under.ok}/${r.under.sent}`, JSON.stringify(r.flood)]),
    ]),
  );
  ensureDirs();
  writeFileSync(join(OUT, `flood-${index.split('/').pop()}-${copies}.json`), JSON.stringify({ query: entry, rows }, null, 1));
}

await main();

/**
 * fahras on a three-node cluster (three primary shards, one replica each), under a search load
 * of 20 connections with the result cache off, so every request reaches the cluster:
 *
 *  - `kill -9` of a data node mid-load: every request is answered 200 (the client moves to
 *    another node, failed searches are sent again); restarted, the cluster is green again and
 *    fahras keeps serving;
 *  - two rebuilds mid-load, each moving the alias: 0 failed requests; the first keeps the old
 *    index for rollback, the second (keep 0) removes both older ones at once;
 *  - the whole cluster killed: /ready and searches answer 503 with a plain message; restarted,
 *    fahras serves again by itself.
 *
 * Short loads here (12 s); the 60 s runs and their figures are in bench/RESULTS.md
 * (bench/opensearch-failover.ts). Takes about a minute and a half with the cluster's start.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@opensearch-project/opensearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../opensearch/cluster.js';
import type { OpenSearchSettings } from '../../src/common/defaults.js';
import { aliasTargets, buildsOf } from '../../src/engine/opensearch/aliases.js';
import { buildOpenSearchIndex } from '../../src/engine/opensearch/indexing.js';
import type { RunningServer } from '../../src/server/serve.js';
import { FIXTURE, ROOT, startTestServer, waitFor, writeJsonl } from '../helpers/server.js';
import { runLoad, type LoadResult } from './load.js';

const LOAD_MS = 12_000;
const CONNECTIONS = 20;
const enc = encodeURIComponent;
const PATHS = ['النفط', 'أسعار النفط', '"أسعار النفط"', 'الهلال التمور', 'قطار الحرمين', 'تمور*', 'النفط -صادرات', 'المرجان', 'الطاقة', 'معرض الكتاب'].flatMap((q) => [
  `/api/search?q=${enc(q)}`,
  `/api/search?q=${enc(q)}&mode=all`,
  `/api/search?q=${enc(q)}&source=${enc('الرياض')}`,
]);

let cluster: Cluster;
let client: Client;
let settings: OpenSearchSettings;
let srv: RunningServer;
let dir: string;
let input: string;

function report(what: string, r: LoadResult): void {
  process.stderr.write(`failover: ${what}: ${r.requests} requests in ${r.seconds} s (${r.rate}/s), ${r.failed} failed ${JSON.stringify(r.failures)}, p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms\n`);
}

beforeAll(async () => {
  cluster = await startCluster({ nodes: 3, name: `vitest-failover-${process.pid}` });
  client = cluster.client();
  dir = mkdtempSync(join(tmpdir(), 'fahras-failover-'));
  input = join(dir, 'docs');
  cpSync(join(ROOT, 'seeds'), input, { recursive: true });
  cpSync(FIXTURE, join(input, 'news.jsonl'));
  settings = { urls: cluster.urls, index: 'failover', checkMs: 250 };
  await buildOpenSearchIndex({ input, opensearch: settings, shards: 3, replicas: 1 });
  // The load's 20 connections stand for 20 clients but share one address: no per-client budget of search time (turns still apply).
  srv = await startTestServer({ index: join(dir, 'unused'), engine: 'opensearch', opensearch: settings, cacheSize: 0, clientCpuMs: 0 });
}, 600_000);

afterAll(async () => {
  await srv?.close();
  await client?.close();
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 120_000);

describe('three nodes, three primaries, one replica', () => {
  it('answers every request while a data node is killed with SIGKILL, and keeps serving once it is back and the cluster is green', async () => {
    expect((await client.cluster.health({})).body).toMatchObject({ status: 'green', number_of_nodes: 3 });
    const r = await runLoad({ base: srv.url, paths: PATHS, connections: CONNECTIONS, durationMs: LOAD_MS, events: [{ atMs: 3000, run: () => cluster.killNode(1) }], afterEventsMs: 3000 });
    report('kill -9 of node-1', r);
    const h = await cluster.waitFor({ nodes: 2, status: 'yellow', expectAlive: [0, 2] });
    await cluster.restartNode(1);
    expect(h.status).toBe('yellow');
    expect(r.failures).toEqual({});
    // The load went on through the kill (how fast depends on the machine; that nothing failed is the point).
    expect(r.requests).toBeGreaterThan(CONNECTIONS);
    expect((await client.cluster.health({})).body).toMatchObject({ status: 'green', number_of_nodes: 3 });
    const after = await runLoad({ base: srv.url, paths: PATHS, connections: CONNECTIONS, durationMs: 3000 });
    report('after the restart', after);
    expect(after.failures).toEqual({});
    expect((await fetch(`${srv.url}/ready`)).status).toBe(200);
  });

  it('answers every request while rebuilds move the alias, and the old indices are gone afterwards', async () => {
    const first = (await aliasTargets(client, settings.index))[0];
    const more = writeJsonl(input, 'more', [{ id: 'new-1', title: 'وثيقة جديدة عن الطاقة الشمسية', text: 'محطة للطاقة الشمسية في تبوك', source: 'الرياض' }]);
    let second = '';
    let third = '';
    const r = await runLoad({
      base: srv.url,
      paths: PATHS,
      connections: CONNECTIONS,
      durationMs: LOAD_MS,
      events: [
        {
          atMs: 1000,
          run: async () => {
            second = (await buildOpenSearchIndex({ input, opensearch: settings, shards: 3, replicas: 1 })).index;
            // The first build is kept for rollback.
            expect((await buildsOf(client, settings.index)).map((b) => b.index)).toEqual([first, second]);
            third = (await buildOpenSearchIndex({ input, opensearch: settings, shards: 3, replicas: 1, keep: 0 })).index;
          },
        },
      ],
      afterEventsMs: 2000,
    });
    report('two rebuilds', r);
    expect(r.failures).toEqual({});
    expect(more).toBeTruthy();
    expect(await aliasTargets(client, settings.index)).toEqual([third]);
    expect((await buildsOf(client, settings.index)).map((b) => b.index)).toEqual([third]);
    for (const gone of [first, second, `${first}-terms`, `${second}-terms`]) expect((await client.indices.exists({ index: gone })).body, gone).toBe(false);
    // The service moved to the new build by itself.
    await waitFor(async () => (await (await fetch(`${srv.url}/api/stats`)).json()).generation === third, 5000);
    expect((await (await fetch(`${srv.url}/api/search?q=${enc('الشمسية')}`)).json()).hits.map((h: { id: string }) => h.id)).toEqual(['new-1']);
  });

  it('says 503 while the whole cluster is down, and serves again by itself when it returns', async () => {
    for (const i of [0, 1, 2]) await cluster.killNode(i);
    await waitFor(async () => (await fetch(`${srv.url}/ready`)).status === 503, 10_000);
    const ready = await (await fetch(`${srv.url}/ready`)).json();
    expect(ready.error).toEqual({ code: 'not_ready', message: 'The index is not available (the search cluster cannot be reached); try again in a moment.' });
    const search = await fetch(`${srv.url}/api/search?q=${enc('النفط')}`);
    expect(search.status).toBe(503);
    expect((await search.json()).error.message).toMatch(/cannot be reached/);
    expect((await fetch(`${srv.url}/health`)).status).toBe(200);
    for (const i of [0, 1, 2]) await cluster.restartNode(i, { wait: false });
    await cluster.waitFor({ nodes: 3, status: 'green' });
    await waitFor(async () => (await fetch(`${srv.url}/ready`)).status === 200, 30_000);
    const back = await fetch(`${srv.url}/api/search?q=${enc('النفط')}`);
    expect(back.status).toBe(200);
    expect((await back.json()).total).toBe(4);
  });
});

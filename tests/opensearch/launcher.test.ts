/**
 * The OpenSearch launcher against real nodes (opensearch/cluster.ts): one JVM per node, built
 * from the Maven Central jars on first use (needs a JDK 17 and Maven; the first run downloads
 * the jars). No part of OpenSearch is mocked. Part of `npm test`; alone: `npm run test:opensearch`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@opensearch-project/opensearch';
import { startCluster, type Cluster } from '../../opensearch/cluster.js';

// FAHRAS_SKIP_OPENSEARCH=1 skips these suites (a machine without a JDK 17 and Maven).
const SKIP = process.env.FAHRAS_SKIP_OPENSEARCH === '1';
// The first run of a fresh machine builds the launcher (Maven downloads ~45 MB of jars).
const START_TIMEOUT = 600_000;

interface SearchBody {
  hits: { total: { value: number }; hits: { _id: string }[] };
  _shards: { total: number; successful: number; failed: number };
}

async function ids(client: Client, index: string, query: Record<string, unknown>): Promise<string[]> {
  const r = await client.search({ index, body: { query, size: 10 } });
  return (r.body as unknown as SearchBody).hits.hits.map((h) => h._id).sort();
}

describe.skipIf(SKIP)('one node: pre-analyzed Arabic terms in a whitespace field', () => {
  let cluster: Cluster | undefined;
  let client: Client;

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 1, name: `vitest-1n-${process.pid}` });
    client = cluster.client();
  }, START_TIMEOUT);

  afterAll(async () => {
    await client?.close();
    await cluster?.stop();
  }, 60_000);

  it('answers on its URL with OpenSearch 2.19 and Lucene 9.12', async () => {
    expect(cluster!.urls).toHaveLength(1);
    expect(cluster!.urls[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const info = (await client.info()).body as unknown as { version: { number: string; lucene_version: string } };
    expect(info.version.number).toBe('2.19.6');
    expect(info.version.lucene_version).toMatch(/^9\.12\./);
  });

  it('keeps the terms as sent and their positions, so match_phrase works on them', async () => {
    await client.indices.create({
      index: 'pre',
      body: {
        settings: { number_of_shards: 1, number_of_replicas: 0 },
        mappings: {
          properties: {
            stem: { type: 'text', analyzer: 'whitespace' },
            title: { type: 'text', index: false },
          },
        },
      },
    });
    // fahras's own terms for «المكتبات العربية في جامعة الملك سعود» and a reordering of them
    await client.index({ index: 'pre', id: 'a', body: { title: 'المكتبات العربية في جامعة الملك سعود', stem: 'مكتب عرب جامع ملك سعود' } });
    await client.index({ index: 'pre', id: 'b', body: { title: 'جامعة عربية ومكتبة', stem: 'جامع عرب مكتب أحمد' }, refresh: true });

    // the whitespace analyzer leaves every term alone (no folding of أ to ا, no stemming)
    const analyzed = await client.indices.analyze({ index: 'pre', body: { field: 'stem', text: 'جامع عرب مكتب أحمد' } });
    expect((analyzed.body as unknown as { tokens: { token: string; position: number }[] }).tokens.map((t) => [t.token, t.position])).toEqual([
      ['جامع', 0],
      ['عرب', 1],
      ['مكتب', 2],
      ['أحمد', 3],
    ]);

    expect(await ids(client, 'pre', { match: { stem: 'مكتب عرب' } })).toEqual(['a', 'b']);
    expect(await ids(client, 'pre', { match_phrase: { stem: 'مكتب عرب' } })).toEqual(['a']);
    expect(await ids(client, 'pre', { match_phrase: { stem: 'جامع عرب مكتب' } })).toEqual(['b']);
    expect(await ids(client, 'pre', { match_phrase: { stem: 'سعود ملك' } })).toEqual([]);
    expect(await ids(client, 'pre', { match_phrase: { stem: 'عرب ملك' } })).toEqual([]);
    expect(await ids(client, 'pre', { match_phrase: { stem: { query: 'عرب ملك', slop: 1 } } })).toEqual(['a']);
    expect(await ids(client, 'pre', { match: { stem: 'أحمد' } })).toEqual(['b']);
    expect(await ids(client, 'pre', { match: { stem: 'احمد' } })).toEqual([]);
  });
});

describe.skipIf(SKIP)('three nodes: a data node killed with SIGKILL and restarted', () => {
  let cluster: Cluster | undefined;

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 3, name: `vitest-3n-${process.pid}` });
  }, START_TIMEOUT);

  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);

  it('3 primaries × 1 replica: green → yellow and still searchable → green again', async () => {
    const c = cluster!;
    let client = c.client();
    await client.indices.create({ index: 'fail', body: { settings: { number_of_shards: 3, number_of_replicas: 1 }, mappings: { properties: { stem: { type: 'text', analyzer: 'whitespace' } } } } });
    const docs = Array.from({ length: 30 }, (_, i) => ({ id: `d${i}`, stem: `وثيق ${i % 2 ? 'زوج' : 'فرد'} رقم${i}` }));
    const bulk = await client.helpers.bulk({ datasource: docs, onDocument: (d) => ({ index: { _index: 'fail', _id: d.id } }), refresh: 'true' });
    expect(bulk.successful).toBe(30);
    const green = await c.waitFor({ status: 'green' });
    expect(green.active_shards).toBe(6);

    // every node holds two shard copies
    const shards = (await client.cat.shards({ index: 'fail', format: 'json' })).body as unknown as { node: string; state: string }[];
    expect(shards.filter((s) => s.state === 'STARTED')).toHaveLength(6);
    expect(new Set(shards.map((s) => s.node)).size).toBe(3);

    // the victim: a node that is not the elected cluster manager
    const manager = ((await client.cat.clusterManager({ format: 'json' })).body as unknown as { node: string }[])[0].node;
    const victim = c.nodes.find((n) => n.name !== manager)!.index;
    await client.close();

    await c.killNode(victim);
    expect(c.alive(victim)).toBe(false);
    const others = c.nodes.map((n) => n.index).filter((i) => i !== victim);
    const yellow = await c.waitFor({ nodes: 2, status: 'yellow', expectAlive: others, timeoutSeconds: 60 });
    expect(yellow.status).toBe('yellow');
    expect(yellow.number_of_nodes).toBe(2);

    client = c.client(); // over the two live nodes only
    const all = (await client.search({ index: 'fail', body: { query: { match: { stem: 'وثيق' } }, size: 0, track_total_hits: true } })).body as unknown as SearchBody;
    expect(all.hits.total.value).toBe(30);
    expect(all._shards.failed).toBe(0);
    expect(await ids(client, 'fail', { match_phrase: { stem: 'زوج رقم7' } })).toEqual(['d7']);
    await client.close();

    await c.restartNode(victim); // same ports and data folder; waits for 3 nodes and green
    expect(c.alive(victim)).toBe(true);
    client = c.client([c.urls[victim]]);
    const back = (await client.cluster.health({})).body as unknown as { status: string; number_of_nodes: number };
    expect(back).toMatchObject({ status: 'green', number_of_nodes: 3 });
    expect(await ids(client, 'fail', { match_phrase: { stem: 'فرد رقم8' } })).toEqual(['d8']);
    await client.close();
  }, 240_000);
});

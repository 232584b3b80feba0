/**
 * Relevance on OpenSearch: fahras on a cluster (its own analysis and ranking translated, the
 * OpenSearch engine of src/engine/opensearch) beside fahras's local index, and the peer row:
 * OpenSearch 2.19's built-in `arabic` analyzer (Lucene: standard tokenizer,
 * lowercase, decimal digits, Arabic stop words, arabic_normalization, arabic_stem) with BM25
 * defaults (k1 1.2, b 0.75), on the shared Arabic collections, under the same protocol as
 * bench/relevance.ts: title + text indexed, the raw question as the query, runs 100 deep,
 * queries without a judged relevant document skipped.
 *
 *   npx tsx bench/relevance-opensearch.ts [--data ../shared/data/relevance] [--url http://127.0.0.1:9200]
 *       [--type best_fields|most_fields|cross_fields] [--search-type query_then_fetch|dfs_query_then_fetch]
 *       [--shards 1] [--runs bench/out/opensearch-runs] [--json out.json]
 *
 * fahras on OpenSearch: each set built with `buildOpenSearchIndex` (the code of `fahras index
 * --engine opensearch`) into `--shards` primary shards (global statistics through
 * dfs_query_then_fetch when there are several), searched through `OpenSearchEngine.search`, 100 deep;
 * the local row is `evaluateCollection` (what `fahras eval` runs), in the same invocation.
 *
 * Without --url it starts a one-node cluster with opensearch/cluster.ts and stops it at the end.
 * Each set is one index with ONE shard (no replica), so every term statistic is already global and
 * dfs_query_then_fetch ranks exactly as query_then_fetch (checked with --search-type).
 *
 * The query of each question (the peer row uses the defaults):
 *   { "multi_match": { "query": "<question>", "fields": ["title", "text"], "type": "best_fields" } }
 * i.e. per field an OR `match` of the analysed question, the document scored by its better field
 * (tie_breaker 0), size 100, _source off.
 */
import { createReadStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Client } from '@opensearch-project/opensearch';
import { evaluate, type MetricSummary } from '../src/eval/metrics.js';
import { readQrels, readQueries, runLine } from '../src/eval/trec.js';
import { startCluster, type Cluster } from '../opensearch/cluster.js';
import { evaluateCollection } from '../src/eval/run.js';
import { buildOpenSearchIndex } from '../src/engine/opensearch/indexing.js';
import { OpenSearchEngine } from '../src/engine/opensearch/engine.js';
import { RUN_DEPTH } from '../src/common/limits.js';
import type { OpenSearchSettings } from '../src/common/defaults.js';

export const RELEVANCE_SETS = ['xquad-ar', 'arcd-train', 'quranqa-train'] as const;
type MultiMatchType = 'best_fields' | 'most_fields' | 'cross_fields';
type SearchType = 'query_then_fetch' | 'dfs_query_then_fetch';

export interface PeerResult extends MetricSummary {
  docs: number;
  indexSeconds: number;
  querySeconds: number;
}

async function* readDocs(file: string): AsyncGenerator<{ id: string; title: string; text: string }> {
  const rl = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of rl) {
    if (!line.trim()) continue;
    const d = JSON.parse(line) as { id: string; title?: string; text?: string };
    yield { id: String(d.id), title: d.title ?? '', text: d.text ?? '' };
  }
}

export function multiMatch(question: string, type: MultiMatchType): Record<string, unknown> {
  return { multi_match: { query: question, fields: ['title', 'text'], type } };
}

export async function evaluateSet(
  client: Client,
  dir: string,
  index: string,
  { type = 'best_fields' as MultiMatchType, searchType = 'query_then_fetch' as SearchType, runFile = undefined as string | undefined } = {},
): Promise<PeerResult> {
  await client.indices.delete({ index }, { ignore: [404] });
  await client.indices.create({
    index,
    body: {
      settings: { number_of_shards: 1, number_of_replicas: 0, refresh_interval: '-1' },
      mappings: {
        dynamic: 'strict',
        properties: {
          id: { type: 'keyword' },
          title: { type: 'text', analyzer: 'arabic' },
          text: { type: 'text', analyzer: 'arabic' },
        },
      },
    },
  });
  const t0 = performance.now();
  let docs = 0;
  const bulk = await client.helpers.bulk({
    datasource: readDocs(join(dir, 'docs.jsonl')),
    onDocument: (d) => {
      docs++;
      return { index: { _index: index, _id: d.id } };
    },
    onDrop: (d) => {
      throw new Error(`document ${(d.document as { id: string }).id} rejected: ${JSON.stringify(d.error)}`);
    },
  });
  if (bulk.failed) throw new Error(`${bulk.failed} documents failed to index into ${index}`);
  await client.indices.refresh({ index });
  await client.indices.forcemerge({ index, max_num_segments: 1 });
  const indexSeconds = (performance.now() - t0) / 1000;

  const queries = readQueries(join(dir, 'queries.tsv'));
  const qrels = readQrels(join(dir, 'qrels.txt'));
  const runs = new Map<string, string[]>();
  const lines: string[] = [];
  const t1 = performance.now();
  const BATCH = 50;
  for (let i = 0; i < queries.length; i += BATCH) {
    const batch = queries.slice(i, i + BATCH);
    const body = batch.flatMap((q) => [{ index }, { query: multiMatch(q.text, type), size: 100, _source: false }]);
    const r = await client.msearch({ body, search_type: searchType });
    const responses = (r.body as unknown as { responses: { error?: unknown; hits?: { hits: { _id: string; _score: number }[] } }[] }).responses;
    responses.forEach((res, j) => {
      const q = batch[j];
      if (res.error || !res.hits) throw new Error(`query ${q.qid} failed: ${JSON.stringify(res.error)}`);
      runs.set(q.qid, res.hits.hits.map((h) => h._id));
      res.hits.hits.forEach((h, k) => lines.push(runLine(q.qid, h._id, k + 1, h._score, `opensearch-arabic-${type}`)));
    });
  }
  const querySeconds = (performance.now() - t1) / 1000;
  if (runFile) writeFileSync(runFile, lines.join('\n') + '\n');
  const metrics = evaluate(
    runs,
    qrels,
    queries.map((q) => q.qid),
  );
  return { ...metrics, docs, indexSeconds, querySeconds };
}

/** fahras on OpenSearch: the set built into alias `alias` and its questions searched through the engine. */
export async function evaluateFahrasOnOpenSearch(urls: string[], dir: string, alias: string, shards: number): Promise<PeerResult> {
  const settings: OpenSearchSettings = { urls, index: alias, checkMs: 60_000 };
  const t0 = performance.now();
  const built = await buildOpenSearchIndex({ input: join(dir, 'docs.jsonl'), opensearch: settings, shards, replicas: 0, keep: 0 });
  const indexSeconds = (performance.now() - t0) / 1000;
  const engine = new OpenSearchEngine(settings);
  await engine.start();
  try {
    const queries = readQueries(join(dir, 'queries.tsv'));
    const runs = new Map<string, string[]>();
    const t1 = performance.now();
    for (const q of queries) runs.set(q.qid, (await engine.search(q.text, { limit: RUN_DEPTH, snippets: false })).hits.map((h) => h.id));
    const querySeconds = (performance.now() - t1) / 1000;
    const metrics = evaluate(runs, readQrels(join(dir, 'qrels.txt')), queries.map((q) => q.qid));
    return { ...metrics, docs: built.documents, indexSeconds, querySeconds };
  } finally {
    await engine.close();
  }
}

function row(set: string, m: PeerResult): string {
  const f = (x: number) => x.toFixed(3);
  return `| ${set} | ${m.queries} | ${f(m.mrr10)} | ${f(m.recall10)} | ${f(m.recall100)} | ${f(m.ndcg10)} | ${f(m.map10)} | ${m.indexSeconds.toFixed(1)} | ${((m.querySeconds * 1000) / (m.queries + m.skipped)).toFixed(1)} |`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: '../shared/data/relevance' },
      url: { type: 'string' },
      type: { type: 'string', default: 'best_fields' },
      'search-type': { type: 'string', default: 'query_then_fetch' },
      runs: { type: 'string' },
      json: { type: 'string' },
      heap: { type: 'string', default: '1g' },
      shards: { type: 'string', default: '1' },
    },
  });
  const shards = Number(values.shards);
  if (!Number.isInteger(shards) || shards < 1) throw new Error('--shards must be a whole number from 1');
  const type = values.type as MultiMatchType;
  if (!['best_fields', 'most_fields', 'cross_fields'].includes(type)) throw new Error(`--type must be best_fields, most_fields or cross_fields`);
  const searchType = values['search-type'] as SearchType;
  if (!['query_then_fetch', 'dfs_query_then_fetch'].includes(searchType)) throw new Error(`--search-type must be query_then_fetch or dfs_query_then_fetch`);

  let cluster: Cluster | undefined;
  const t0 = performance.now();
  if (!values.url) {
    cluster = await startCluster({ nodes: 1, heap: values.heap, name: `relevance-${process.pid}`, log: (s) => console.error(`opensearch: ${s}`) });
    console.error(`opensearch: one node green in ${((performance.now() - t0) / 1000).toFixed(1)} s at ${cluster.urls[0]}`);
  }
  const client = cluster ? cluster.client() : new Client({ node: values.url!, requestTimeout: 120_000 });
  try {
    const info = (await client.info()).body as unknown as { version: { number: string; lucene_version: string } };
    if (values.runs) mkdirSync(values.runs, { recursive: true });
    const results: Record<string, PeerResult> = {};
    const fahras: Record<string, { local: MetricSummary; opensearch: PeerResult }> = {};
    const urls = cluster ? cluster.urls : [values.url!];
    for (const set of RELEVANCE_SETS) {
      const dir = join(values.data!, set);
      const local = (await evaluateCollection({ docs: join(dir, 'docs.jsonl'), queries: join(dir, 'queries.tsv'), qrels: join(dir, 'qrels.txt') })).metrics;
      fahras[set] = { local, opensearch: await evaluateFahrasOnOpenSearch(urls, dir, `relevance-fahras-${set}`, shards) };
      results[set] = await evaluateSet(client, dir, `relevance-${set}`, {
        type,
        searchType,
        runFile: values.runs ? join(values.runs, `${set}.run`) : undefined,
      });
      await client.indices.delete({ index: `relevance-${set}` });
      await client.indices.delete({ index: `relevance-fahras-${set}-*` });
    }
    const f = (x: number) => x.toFixed(3);
    console.log(`fahras local vs fahras on OpenSearch ${info.version.number} (${shards} shard${shards > 1 ? 's, dfs_query_then_fetch' : ''}), 100 deep\n`);
    console.log('| set | MRR@10 local | MRR@10 on OpenSearch | difference | R@100 local | R@100 on OpenSearch | nDCG@10 local | nDCG@10 on OpenSearch | index s | ms/query |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const [set, { local, opensearch: o }] of Object.entries(fahras)) {
      console.log(`| ${set} | ${f(local.mrr10)} | ${f(o.mrr10)} | ${(o.mrr10 - local.mrr10 >= 0 ? '+' : '') + f(o.mrr10 - local.mrr10)} | ${f(local.recall100)} | ${f(o.recall100)} | ${f(local.ndcg10)} | ${f(o.ndcg10)} | ${o.indexSeconds.toFixed(1)} | ${((o.querySeconds * 1000) / (o.queries + o.skipped)).toFixed(1)} |`);
    }
    console.log('');
    console.log(`OpenSearch ${info.version.number} (Lucene ${info.version.lucene_version}), \`arabic\` analyzer on title and text, BM25 defaults, 1 shard`);
    console.log(`query: {"multi_match":{"query":<question>,"fields":["title","text"],"type":"${type}"}}, size 100, search_type ${searchType}\n`);
    console.log('| set | queries | MRR@10 | Recall@10 | Recall@100 | nDCG@10 | MAP@10 | index s | ms/query |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const [set, m] of Object.entries(results)) console.log(row(set, m));
    if (values.json) writeFileSync(values.json, JSON.stringify({ opensearch: info.version.number, type, searchType, shards, results, fahras }, null, 2));
  } finally {
    await client.close();
    await cluster?.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e: unknown) => {
    console.error(`relevance-opensearch: error: ${(e as Error)?.message?.split('\n')[0] ?? String(e)}`);
    process.exit(1);
  });
}

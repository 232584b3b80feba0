/**
 * Relevance on the shared Arabic test collections: MRR@10, Recall@10/100,
 * nDCG@10, MAP@10 for each set.
 *
 *   npx tsx bench/relevance.ts [--data ../shared/data/relevance] [--json out.json]
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { evaluateCollection, formatMetrics } from '../src/eval/run.js';
import type { MetricSummary } from '../src/eval/metrics.js';

export const RELEVANCE_SETS = ['xquad-ar', 'arcd-train', 'quranqa-train'] as const;

export async function runRelevance(dataDir: string): Promise<Record<string, MetricSummary>> {
  const out: Record<string, MetricSummary> = {};
  for (const set of RELEVANCE_SETS) {
    const dir = join(dataDir, set);
    const r = await evaluateCollection({ docs: join(dir, 'docs.jsonl'), queries: join(dir, 'queries.tsv'), qrels: join(dir, 'qrels.txt') });
    out[set] = r.metrics;
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { data: { type: 'string', default: '../shared/data/relevance' }, json: { type: 'string' } } });
  const results = await runRelevance(values.data!);
  for (const [set, m] of Object.entries(results)) console.log(formatMetrics(set, m));
  if (values.json) writeFileSync(values.json, JSON.stringify(results, null, 2));
}

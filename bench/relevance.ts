/**
 * Relevance on the shared Arabic test collections: MRR@10, Recall@10/100,
 * nDCG@10, MAP@10 for each set.
 *
 *   npx tsx bench/relevance.ts [--data ../shared/data/relevance] [--json out.json] [--correct]
 *
 * --correct also runs every set with misspelled questions answered for their
 * correction (SearchOptions.correct) and prints both, with how many questions
 * were corrected.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { evaluateCollection, formatMetrics } from '../src/eval/run.js';
import type { MetricSummary } from '../src/eval/metrics.js';

export const RELEVANCE_SETS = ['xquad-ar', 'arcd-train', 'quranqa-train'] as const;

export async function runRelevance(dataDir: string, correct = false): Promise<Record<string, MetricSummary & { corrected?: number }>> {
  const out: Record<string, MetricSummary & { corrected?: number }> = {};
  for (const set of RELEVANCE_SETS) {
    const dir = join(dataDir, set);
    const r = await evaluateCollection({ docs: join(dir, 'docs.jsonl'), queries: join(dir, 'queries.tsv'), qrels: join(dir, 'qrels.txt'), correct });
    out[set] = correct ? { ...r.metrics, corrected: r.corrected } : r.metrics;
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { data: { type: 'string', default: '../shared/data/relevance' }, json: { type: 'string' }, correct: { type: 'boolean', default: false } } });
  const results = await runRelevance(values.data!);
  for (const [set, m] of Object.entries(results)) console.log(formatMetrics(set, m));
  let corrected: Record<string, MetricSummary & { corrected?: number }> | undefined;
  if (values.correct) {
    corrected = await runRelevance(values.data!, true);
    console.log('with misspelled questions answered for their correction:');
    for (const [set, m] of Object.entries(corrected)) console.log(`${formatMetrics(set, m)}  (${m.corrected} corrected)`);
  }
  if (values.json) writeFileSync(values.json, JSON.stringify(corrected ? { asWritten: results, corrected } : results, null, 2));
}

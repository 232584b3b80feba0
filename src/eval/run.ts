/** Evaluates fahras on a test collection: index the documents, run every query, score the run. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Analyzer } from '../analysis/pipeline.js';
import { RUN_DEPTH } from '../common/limits.js';
import { buildIndex } from '../index/build.js';
import { openIndex } from '../search/searcher.js';
import type { RankParams } from '../search/rank.js';
import { evaluate, type MetricSummary } from './metrics.js';
import { readQrels, readQueries, runLine } from './trec.js';

export interface EvalOptions {
  docs: string;
  queries: string;
  qrels: string;
  depth?: number;
  analyzer?: Analyzer;
  params?: RankParams;
  /** Answer misspelled questions for their correction (SearchOptions.correct; default off: the figures are those of the questions as written). */
  correct?: boolean;
}

export interface EvalResult {
  metrics: MetricSummary;
  run: string[];
  /** Ranked doc ids per query id. */
  rankings: Map<string, string[]>;
  /** Questions answered for a correction (with `correct`). */
  corrected: number;
}

export async function evaluateCollection(opts: EvalOptions): Promise<EvalResult> {
  const depth = opts.depth ?? RUN_DEPTH;
  const queries = readQueries(opts.queries);
  const qrels = readQrels(opts.qrels);
  const dir = mkdtempSync(join(tmpdir(), 'fahras-eval-'));
  try {
    await buildIndex({ input: opts.docs, out: dir, analyzer: opts.analyzer });
    const searcher = await openIndex(dir, opts.analyzer, opts.params);
    const rankings = new Map<string, string[]>();
    const run: string[] = [];
    let corrected = 0;
    for (const { qid, text } of queries) {
      const r = searcher.search(text, { limit: depth, snippets: false, correct: opts.correct });
      if (r.correction) corrected++;
      rankings.set(qid, r.hits.map((h) => h.id));
      r.hits.forEach((h, i) => run.push(runLine(qid, h.id, i + 1, h.score)));
    }
    searcher.close();
    return { metrics: evaluate(rankings, qrels, queries.map((q) => q.qid)), run, rankings, corrected };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatMetrics(name: string, m: MetricSummary): string {
  const f = (x: number) => x.toFixed(3);
  return `${name}: queries ${m.queries} (skipped ${m.skipped})  MRR@10 ${f(m.mrr10)}  R@10 ${f(m.recall10)}  R@100 ${f(m.recall100)}  nDCG@10 ${f(m.ndcg10)}  MAP@10 ${f(m.map10)}`;
}

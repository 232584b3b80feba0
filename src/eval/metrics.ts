/**
 * Retrieval metrics over ranked lists of document ids, with binary or graded
 * relevance judgments. Cut-offs follow the usual TREC definitions.
 */
export type Judgments = ReadonlyMap<string, number>;

/** Reciprocal rank of the first relevant document within the first k. */
export function reciprocalRank(ranking: readonly string[], rel: Judgments, k = 10): number {
  for (let i = 0; i < Math.min(k, ranking.length); i++) if ((rel.get(ranking[i]) ?? 0) > 0) return 1 / (i + 1);
  return 0;
}

function relevantCount(rel: Judgments): number {
  let n = 0;
  for (const g of rel.values()) if (g > 0) n++;
  return n;
}

/** Share of the relevant documents found within the first k. */
export function recall(ranking: readonly string[], rel: Judgments, k: number): number {
  const total = relevantCount(rel);
  if (total === 0) return 0;
  let found = 0;
  for (let i = 0; i < Math.min(k, ranking.length); i++) if ((rel.get(ranking[i]) ?? 0) > 0) found++;
  return found / total;
}

/** nDCG@k with gain = relevance grade and log2 discount. */
export function ndcg(ranking: readonly string[], rel: Judgments, k = 10): number {
  let dcg = 0;
  for (let i = 0; i < Math.min(k, ranking.length); i++) {
    const g = rel.get(ranking[i]) ?? 0;
    if (g > 0) dcg += g / Math.log2(i + 2);
  }
  const ideal = [...rel.values()].filter((g) => g > 0).sort((a, b) => b - a);
  let idcg = 0;
  for (let i = 0; i < Math.min(k, ideal.length); i++) idcg += ideal[i] / Math.log2(i + 2);
  return idcg === 0 ? 0 : dcg / idcg;
}

/** AP@k: sum of precision at each relevant rank ≤ k, divided by min(#relevant, k). */
export function averagePrecision(ranking: readonly string[], rel: Judgments, k = 10): number {
  const total = relevantCount(rel);
  if (total === 0) return 0;
  let found = 0;
  let sum = 0;
  for (let i = 0; i < Math.min(k, ranking.length); i++) {
    if ((rel.get(ranking[i]) ?? 0) > 0) {
      found++;
      sum += found / (i + 1);
    }
  }
  return sum / Math.min(total, k);
}

export interface MetricSummary {
  queries: number;
  skipped: number;
  mrr10: number;
  recall10: number;
  recall100: number;
  ndcg10: number;
  map10: number;
}

/** Averages each metric over the queries that have at least one relevant judgment. */
export function evaluate(runs: ReadonlyMap<string, readonly string[]>, qrels: ReadonlyMap<string, Judgments>, queryIds: readonly string[]): MetricSummary {
  const s = { mrr10: 0, recall10: 0, recall100: 0, ndcg10: 0, map10: 0 };
  let n = 0;
  let skipped = 0;
  for (const qid of queryIds) {
    const rel = qrels.get(qid);
    if (!rel || relevantCount(rel) === 0) {
      skipped++;
      continue;
    }
    const ranking = runs.get(qid) ?? [];
    n++;
    s.mrr10 += reciprocalRank(ranking, rel, 10);
    s.recall10 += recall(ranking, rel, 10);
    s.recall100 += recall(ranking, rel, 100);
    s.ndcg10 += ndcg(ranking, rel, 10);
    s.map10 += averagePrecision(ranking, rel, 10);
  }
  const avg = (x: number) => (n ? x / n : 0);
  return { queries: n, skipped, mrr10: avg(s.mrr10), recall10: avg(s.recall10), recall100: avg(s.recall100), ndcg10: avg(s.ndcg10), map10: avg(s.map10) };
}

/**
 * Relevance regression: the shared Arabic test collections must keep their
 * figures. Floors sit a little below the achieved values (bench/RESULTS.md), so
 * a change to analysis or ranking that hurts retrieval fails here.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateCollection } from '../../src/eval/run.js';

const DATA = join(import.meta.dirname, '../../../shared/data/relevance');

const FLOORS = {
  'xquad-ar': { mrr10: 0.935, recall100: 0.988, ndcg10: 0.945 },
  'arcd-train': { mrr10: 0.808, recall100: 0.99, ndcg10: 0.846 },
  'quranqa-train': { mrr10: 0.392, recall100: 0.62, ndcg10: 0.336 },
} as const;

describe.runIf(existsSync(DATA))('relevance on the shared collections', () => {
  for (const [set, floor] of Object.entries(FLOORS)) {
    it(`${set} stays at or above its floors`, async () => {
      const d = join(DATA, set);
      const { metrics } = await evaluateCollection({ docs: join(d, 'docs.jsonl'), queries: join(d, 'queries.tsv'), qrels: join(d, 'qrels.txt') });
      expect(metrics.queries).toBeGreaterThan(100);
      expect(metrics.mrr10).toBeGreaterThanOrEqual(floor.mrr10);
      expect(metrics.recall100).toBeGreaterThanOrEqual(floor.recall100);
      expect(metrics.ndcg10).toBeGreaterThanOrEqual(floor.ndcg10);
    });
  }
});

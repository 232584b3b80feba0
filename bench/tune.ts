/**
 * Relevance sweeps: evaluates the three shared sets under ranking-parameter
 * overrides, one line per setting, so analysis and ranking changes are
 * compared in one invocation.
 *
 *   npx tsx bench/tune.ts '{"k1":1.2}' '{"k1":0.9,"normWeight":0.5}'
 */
import { join } from 'node:path';
import { Analyzer, DEFAULT_ANALYZER_SETTINGS, type AnalyzerSettings } from '../src/analysis/pipeline.js';
import { evaluateCollection } from '../src/eval/run.js';
import { DEFAULT_RANK_PARAMS, type RankParams } from '../src/search/rank.js';
import { RELEVANCE_SETS } from './relevance.js';

const DATA = join(import.meta.dirname, '../../shared/data/relevance');

type Override = Partial<RankParams> & { analyzer?: Partial<AnalyzerSettings> };

async function run(o: Override): Promise<string> {
  const { analyzer, ...params } = o;
  const a = new Analyzer({ ...DEFAULT_ANALYZER_SETTINGS, ...analyzer });
  const cells: string[] = [];
  for (const set of RELEVANCE_SETS) {
    const d = join(DATA, set);
    const r = await evaluateCollection({ docs: join(d, 'docs.jsonl'), queries: join(d, 'queries.tsv'), qrels: join(d, 'qrels.txt'), analyzer: a, params: { ...DEFAULT_RANK_PARAMS, ...params } });
    const m = r.metrics;
    cells.push(`${set.padEnd(13)} MRR ${m.mrr10.toFixed(3)} R10 ${m.recall10.toFixed(3)} R100 ${m.recall100.toFixed(3)} nDCG ${m.ndcg10.toFixed(3)} MAP ${m.map10.toFixed(3)}`);
  }
  return `${JSON.stringify(o)}\n  ${cells.join('\n  ')}`;
}

for (const arg of process.argv.slice(2).length ? process.argv.slice(2) : ['{}']) console.log(await run(JSON.parse(arg) as Override));

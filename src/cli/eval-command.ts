import { writeFileSync } from 'node:fs';
import { evaluateCollection, formatMetrics } from '../eval/run.js';
import { escapeControls } from '../common/printable.js';

export interface EvalCommandOptions {
  docs: string;
  queries: string;
  qrels: string;
  run?: string;
  json: boolean;
}

export async function runEval(opts: EvalCommandOptions): Promise<void> {
  const r = await evaluateCollection({ docs: opts.docs, queries: opts.queries, qrels: opts.qrels });
  if (opts.run) writeFileSync(opts.run, r.run.join('\n') + '\n');
  process.stdout.write(opts.json ? JSON.stringify(r.metrics, null, 2) + '\n' : escapeControls(formatMetrics(opts.docs, r.metrics)) + '\n');
}

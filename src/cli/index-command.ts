import { FahrasError } from '../common/errors.js';
import { buildIndex, type BuildSummary } from '../index/build.js';
import { inputBytes, LoadProgress, mb } from './progress.js';
import { runUpdate } from './update-command.js';
import { escapeControls } from '../common/printable.js';

export interface IndexCommandOptions {
  input: string;
  out: string;
  strict: boolean;
  quiet: boolean;
  /** Add and replace documents in the index at `out` instead of building it anew. */
  update: boolean;
  /** With --update: documents per commit. */
  batch?: number;
  /** Seconds to wait for another process writing the index. */
  wait?: number;
}

export async function runIndex(opts: IndexCommandOptions): Promise<void> {
  if (opts.update) return runUpdate(opts);
  if (opts.batch !== undefined) throw new FahrasError('--batch goes with --update (a build commits all its documents at once)', 'usage');
  const progress = new LoadProgress(await inputBytes(opts.input), opts.quiet, 'indexing', 'indexed');
  let summary: BuildSummary;
  try {
    summary = await buildIndex({
      input: opts.input,
      out: opts.out,
      strict: opts.strict,
      lockWaitMs: opts.wait === undefined ? undefined : opts.wait * 1000,
      onProblem: progress.onProblem,
      onProgress: progress.onProgress,
    });
    progress.finish();
  } finally {
    progress.stop();
  }
  process.stdout.write(
    `indexed ${summary.documents} documents into ${escapeControls(opts.out)} (${summary.skipped} skipped, ${summary.stemTerms} terms, ${summary.normTerms} word forms, ${mb(summary.bytes)}, ${summary.seconds.toFixed(1)} s)\n`,
  );
}

import { SingleBar, Presets } from 'cli-progress';
import { statSync } from 'node:fs';
import { buildIndex, type BuildSummary } from '../index/build.js';
import { formatProblem, listInputFiles } from '../ingest/load.js';
import { CLI_MAX_REPORTED_PROBLEMS } from '../common/limits.js';
import { escapeControls } from '../common/printable.js';

export interface IndexCommandOptions {
  input: string;
  out: string;
  strict: boolean;
  quiet: boolean;
}

function mb(n: number): string {
  return `${(n / 1e6).toFixed(1)} MB`;
}

export async function runIndex(opts: IndexCommandOptions): Promise<void> {
  const tty = Boolean(process.stderr.isTTY) && !opts.quiet;
  let totalBytes = 0;
  for (const f of await listInputFiles(opts.input)) totalBytes += statSync(f).size;
  const bar = tty ? new SingleBar({ format: 'indexing [{bar}] {percentage}% | {docs} documents | {skipped} skipped | {eta_formatted} left', hideCursor: true, stream: process.stderr }, Presets.shades_classic) : undefined;
  bar?.start(Math.max(totalBytes, 1), 0, { docs: 0, skipped: 0 });
  let lastLog = 0;
  let reported = 0;
  let summary: BuildSummary;
  try {
    summary = await buildIndex({
      input: opts.input,
      out: opts.out,
      strict: opts.strict,
      onProblem: (p) => {
        // The first problems are printed; the rest are counted in the summary.
        if (opts.quiet || ++reported > CLI_MAX_REPORTED_PROBLEMS) return;
        bar?.stop();
        // File names and what a record held are quoted in problems: shown, never acted on.
        process.stderr.write(`skipped ${escapeControls(formatProblem(p))}\n`);
        if (reported === CLI_MAX_REPORTED_PROBLEMS) process.stderr.write('(further skipped records are only counted)\n');
        bar?.start(Math.max(totalBytes, 1), 0, { docs: 0, skipped: 0 });
      },
      onProgress: (p) => {
        if (bar) bar.update(Math.min(p.bytesRead, totalBytes), { docs: p.documents, skipped: p.skipped });
        else if (!opts.quiet && p.documents - lastLog >= 10_000) {
          lastLog = p.documents;
          process.stderr.write(`indexed ${p.documents} documents (${mb(p.bytesRead)} of ${mb(totalBytes)} read)\n`);
        }
      },
    });
    bar?.update(totalBytes);
  } finally {
    bar?.stop();
  }
  process.stdout.write(
    `indexed ${summary.documents} documents into ${escapeControls(opts.out)} (${summary.skipped} skipped, ${summary.stemTerms} terms, ${summary.normTerms} word forms, ${mb(summary.bytes)}, ${summary.seconds.toFixed(1)} s)\n`,
  );
}

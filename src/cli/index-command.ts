import { SingleBar, Presets } from 'cli-progress';
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { parseEngineFlags, resolveEngineSettings, type EngineKind } from '../common/config.js';
import { FahrasError } from '../common/errors.js';
import { buildIndex, type BuildProgress } from '../index/build.js';
import { buildOpenSearchIndex } from '../engine/opensearch/indexing.js';
import { formatProblem, listInputFiles, type LoadProblem } from '../ingest/load.js';
import { CLI_MAX_REPORTED_PROBLEMS } from '../common/limits.js';

export interface IndexCommandOptions {
  input: string;
  out: string;
  strict: boolean;
  quiet: boolean;
  engine?: EngineKind;
  opensearchUrl?: string;
  opensearchIndex?: string;
  shards?: number;
  replicas?: number;
  keep: number;
}

function mb(n: number): string {
  return `${(n / 1e6).toFixed(1)} MB`;
}

/** The progress bar on a terminal (or a line every 10,000 documents), and the first problems printed one by one. */
function reporter(opts: IndexCommandOptions, totalBytes: number) {
  const tty = Boolean(process.stderr.isTTY) && !opts.quiet;
  const bar = tty ? new SingleBar({ format: 'indexing [{bar}] {percentage}% | {docs} documents | {skipped} skipped | {eta_formatted} left', hideCursor: true, stream: process.stderr }, Presets.shades_classic) : undefined;
  bar?.start(Math.max(totalBytes, 1), 0, { docs: 0, skipped: 0 });
  let lastLog = 0;
  let reported = 0;
  let last: BuildProgress = { documents: 0, skipped: 0, bytesRead: 0 };
  const print = (line: string) => {
    // The first problems are printed; the rest are counted in the summary.
    if (opts.quiet || ++reported > CLI_MAX_REPORTED_PROBLEMS) return;
    bar?.stop();
    process.stderr.write(`${line}\n`);
    if (reported === CLI_MAX_REPORTED_PROBLEMS) process.stderr.write('(further skipped or refused records are only counted)\n');
    bar?.start(Math.max(totalBytes, 1), Math.min(last.bytesRead, totalBytes), { docs: last.documents, skipped: last.skipped });
  };
  return {
    problem: (p: LoadProblem) => print(`skipped ${formatProblem(p)}`),
    print,
    progress: (p: BuildProgress) => {
      last = p;
      if (bar) bar.update(Math.min(p.bytesRead, totalBytes), { docs: p.documents, skipped: p.skipped });
      else if (!opts.quiet && p.documents - lastLog >= 10_000) {
        lastLog = p.documents;
        process.stderr.write(`indexed ${p.documents} documents (${mb(p.bytesRead)} of ${mb(totalBytes)} read)\n`);
      }
    },
    done: () => {
      bar?.update(totalBytes);
      bar?.stop();
    },
    stop: () => bar?.stop(),
  };
}

export async function runIndex(opts: IndexCommandOptions, command?: Command): Promise<void> {
  const { engine, opensearch } = resolveEngineSettings(parseEngineFlags(opts));
  if (engine === 'opensearch' && command?.getOptionValueSource('out') === 'cli') throw new FahrasError('--out names a local index folder; with --engine opensearch the index is --opensearch-index', 'usage');
  if (engine === 'local') {
    for (const flag of ['shards', 'replicas', 'keep'] as const) {
      if (opts[flag] !== undefined && (flag !== 'keep' || command?.getOptionValueSource('keep') === 'cli')) throw new FahrasError(`--${flag} applies to --engine opensearch only`, 'usage');
    }
  }
  let totalBytes = 0;
  for (const f of await listInputFiles(opts.input)) totalBytes += statSync(f).size;
  const r = reporter(opts, totalBytes);
  try {
    if (opensearch) {
      const s = await buildOpenSearchIndex({
        input: opts.input,
        opensearch,
        strict: opts.strict,
        shards: opts.shards,
        replicas: opts.replicas,
        keep: opts.keep,
        onProblem: r.problem,
        onProgress: r.progress,
        onRejected: (x) => r.print(`refused by the cluster: "${x.id}": ${x.reason}`),
      });
      r.done();
      const rollback = s.previous.filter((i) => !s.removed.includes(i));
      const kept = rollback.length ? `; ${rollback.join(', ')} kept for rollback` : '';
      const removed = s.removed.length ? `; removed ${s.removed.join(', ')}` : '';
      process.stdout.write(
        `indexed ${s.documents} documents into ${s.alias} → ${s.index} (${s.skipped} skipped, ${s.rejected} refused by the cluster, ${s.stemTerms} terms, ${s.normTerms} word forms, ${s.seconds.toFixed(1)} s${kept}${removed})\n`,
      );
      return;
    }
    const summary = await buildIndex({ input: opts.input, out: opts.out, strict: opts.strict, onProblem: r.problem, onProgress: r.progress });
    r.done();
    process.stdout.write(
      `indexed ${summary.documents} documents into ${opts.out} (${summary.skipped} skipped, ${summary.stemTerms} terms, ${summary.normTerms} word forms, ${mb(summary.bytes)}, ${summary.seconds.toFixed(1)} s)\n`,
    );
  } finally {
    r.stop();
  }
}

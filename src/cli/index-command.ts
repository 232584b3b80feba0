import type { Command } from 'commander';
import { parseEngineFlags, resolveEngineSettings, type EngineKind, type OpenSearchSettings } from '../common/config.js';
import { FahrasError } from '../common/errors.js';
import { buildIndex, type BuildSummary } from '../index/build.js';
import { buildOpenSearchIndex } from '../engine/opensearch/indexing.js';
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
  engine?: EngineKind;
  opensearchUrl?: string;
  opensearchIndex?: string;
  shards?: number;
  replicas?: number;
  keep: number;
  /** Worker threads analysing documents (undefined: the build's default). */
  threads?: number;
}

/** Flags that belong to one engine only, refused with the other. */
function checkFlags(opts: IndexCommandOptions, engine: EngineKind, command?: Command): void {
  const given = (flag: string) => command?.getOptionValueSource(flag) === 'cli';
  if (engine === 'opensearch') {
    if (given('out')) throw new FahrasError('--out names a local index folder; with --engine opensearch the index is --opensearch-index', 'usage');
    if (opts.threads !== undefined) throw new FahrasError('--threads applies to a local build only', 'usage');
    if (opts.update) throw new FahrasError('--update adds to a local index; on an OpenSearch cluster send documents to a server\'s write API (PUT /api/documents/:id, POST /api/documents) or rebuild', 'usage');
    return;
  }
  for (const flag of ['shards', 'replicas', 'keep'] as const) {
    if (opts[flag] !== undefined && (flag !== 'keep' || given('keep'))) throw new FahrasError(`--${flag} applies to --engine opensearch only`, 'usage');
  }
}

/** A full build into the cluster: a new physical index, then the alias moved to it. */
async function buildIntoCluster(opts: IndexCommandOptions, opensearch: OpenSearchSettings, progress: LoadProgress): Promise<void> {
  const s = await buildOpenSearchIndex({
    input: opts.input,
    opensearch,
    strict: opts.strict,
    shards: opts.shards,
    replicas: opts.replicas,
    keep: opts.keep,
    onProblem: progress.onProblem,
    onProgress: progress.onProgress,
    onRejected: (x) => progress.report(`refused by the cluster: "${x.id}": ${x.reason}`),
  });
  progress.finish();
  const rollback = s.previous.filter((i) => !s.removed.includes(i));
  const kept = rollback.length ? `; ${rollback.join(', ')} kept for rollback` : '';
  const removed = s.removed.length ? `; removed ${s.removed.join(', ')}` : '';
  process.stdout.write(
    `indexed ${s.documents} documents into ${s.alias} → ${s.index} (${s.skipped} skipped, ${s.rejected} refused by the cluster, ${s.stemTerms} terms, ${s.normTerms} word forms, ${s.seconds.toFixed(1)} s${kept}${removed})\n`,
  );
}

export async function runIndex(opts: IndexCommandOptions, command?: Command): Promise<void> {
  const { engine, opensearch } = resolveEngineSettings(parseEngineFlags(opts));
  checkFlags(opts, engine, command);
  if (opts.update) return runUpdate(opts);
  if (opts.batch !== undefined) throw new FahrasError('--batch goes with --update (a build commits all its documents at once)', 'usage');
  const progress = new LoadProgress(await inputBytes(opts.input), opts.quiet, 'indexing', 'indexed');
  let summary: BuildSummary;
  try {
    if (opensearch) return await buildIntoCluster(opts, opensearch, progress);
    summary = await buildIndex({
      input: opts.input,
      out: opts.out,
      strict: opts.strict,
      lockWaitMs: opts.wait === undefined ? undefined : opts.wait * 1000,
      threads: opts.threads,
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

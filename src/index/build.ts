/**
 * Builds an index from documents: streams them from the input (ingest) into
 * one segment (segment-writer.ts), then persists it atomically as a new
 * generation of the output folder, replacing whatever the folder held.
 */
import { mkdirSync } from 'node:fs';
import { Analyzer, ANALYZER_VERSION } from '../analysis/pipeline.js';
import { loadDocuments, type LoadProblem } from '../ingest/load.js';
import { FahrasError } from '../common/errors.js';
import { settingsHash } from './settings.js';
import { FORMAT_VERSION } from './format.js';
import { writeManifest } from './manifest.js';
import { writeSegment } from './segment-writer.js';
import { commitGeneration, discardGeneration, newGenerationDir } from './generations.js';
import { IndexLock } from './lock.js';

/** The segment a full build writes. */
const FIRST_SEGMENT = 's1';

export class BuildError extends FahrasError {
  override name = 'BuildError';
  override readonly kind = 'invalid_input';
}

export interface BuildProgress {
  documents: number;
  skipped: number;
  bytesRead: number;
}

export interface BuildOptions {
  input: string;
  out: string;
  strict?: boolean;
  analyzer?: Analyzer;
  /** How long to wait for another process writing the index, ms. */
  lockWaitMs?: number;
  onProgress?: (p: BuildProgress) => void;
  onProblem?: (p: LoadProblem) => void;
}

export interface BuildSummary {
  documents: number;
  skipped: number;
  problems: LoadProblem[];
  stemTerms: number;
  normTerms: number;
  bytes: number;
  seconds: number;
  generation: string;
}

export async function buildIndex(options: BuildOptions): Promise<BuildSummary> {
  const t0 = performance.now();
  const analyzer = options.analyzer ?? new Analyzer();
  mkdirSync(options.out, { recursive: true });
  const lock = await IndexLock.acquire(options.out, 'a build', options.lockWaitMs);
  try {
    const { tmpDir, generation } = newGenerationDir(options.out);
    try {
      return await buildInto(options, analyzer, tmpDir, generation, t0);
    } catch (e) {
      discardGeneration(tmpDir);
      throw e;
    }
  } finally {
    lock.release();
  }
}

async function buildInto(options: BuildOptions, analyzer: Analyzer, tmpDir: string, generation: string, t0: number): Promise<BuildSummary> {
  const problems: LoadProblem[] = [];
  let skipped = 0;
  const progress: BuildProgress = { documents: 0, skipped: 0, bytesRead: 0 };
  const docs = loadDocuments(options.input, {
    strict: options.strict,
    onBytes: (n) => (progress.bytesRead += n),
    onProblem: (p) => {
      skipped++;
      progress.skipped = skipped;
      if (problems.length < 1000) problems.push(p);
      options.onProblem?.(p);
    },
  });
  const segment = await writeSegment(analyzer, tmpDir, FIRST_SEGMENT, docs, (count) => {
    progress.documents = count;
    if (count % 500 === 0) options.onProgress?.(progress);
  });
  options.onProgress?.(progress);
  if (!segment) {
    throw new BuildError(`no documents to index in ${options.input}${skipped ? ` (${skipped} skipped, see the messages above)` : ''}`);
  }
  const now = new Date().toISOString();
  const buildSeconds = (performance.now() - t0) / 1000;
  writeManifest(tmpDir, {
    format: FORMAT_VERSION,
    analyzerVersion: ANALYZER_VERSION,
    settingsHash: settingsHash(analyzer),
    documents: segment.documents,
    deleted: 0,
    builtAt: now,
    buildSeconds,
    writtenAt: now,
    nextSegment: 2,
    segments: [segment],
  });
  commitGeneration(options.out, tmpDir, generation);
  const bytes = Object.values(segment.files).reduce((a, f) => a + f.bytes, 0);
  return {
    documents: segment.documents,
    skipped,
    problems,
    stemTerms: segment.stemTerms,
    normTerms: segment.normTerms,
    bytes,
    seconds: (performance.now() - t0) / 1000,
    generation,
  };
}

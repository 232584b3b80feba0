/**
 * Builds an index from documents: streams them from the input (ingest) into
 * one segment, then persists it atomically as a new generation of the output
 * folder, replacing whatever the folder held. An input of more than one chunk
 * is built in parallel (parallel-build.ts); a smaller one on this thread
 * (segment-writer.ts), without starting a worker. Either way the segment is
 * the same, byte for byte.
 */
import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Analyzer, ANALYZER_VERSION } from '../analysis/pipeline.js';
import { loadDocuments, type LoadProblem } from '../ingest/load.js';
import { FahrasError } from '../common/errors.js';
import { BUILD_CHUNK_CHARACTERS, BUILD_DEFAULT_MAX_THREADS, BUILD_MAX_THREADS } from '../common/limits.js';
import { settingsHash } from './settings.js';
import { FORMAT_VERSION } from './format.js';
import { writeManifest } from './manifest.js';
import { writeSegment } from './segment-writer.js';
import { commitGeneration, discardGeneration, newGenerationDir } from './generations.js';
import { IndexLock } from './lock.js';
import { readChunk, writeSegmentInChunks } from './parallel-build.js';

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
  /**
   * Worker threads analysing documents (default: one per core but one, at
   * least one, up to BUILD_DEFAULT_MAX_THREADS); 0 builds on the calling
   * thread, in chunks all the same, so memory stays bounded.
   */
  threads?: number;
  /** Characters of title and text per chunk (default BUILD_CHUNK_CHARACTERS); for tests and tuning. */
  chunkCharacters?: number;
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
  /** Worker threads that analysed the documents (0: all on the calling thread). */
  threads: number;
}

/**
 * Worker threads of a build: as asked (within BUILD_MAX_THREADS), else one
 * per core but one (the calling thread reads, compresses and merges), at
 * least one and at most BUILD_DEFAULT_MAX_THREADS.
 */
export function buildThreads(asked?: number): number {
  if (asked !== undefined) return Math.max(0, Math.min(BUILD_MAX_THREADS, Math.floor(asked)));
  return Math.max(1, Math.min(availableParallelism() - 1, BUILD_DEFAULT_MAX_THREADS));
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
  })[Symbol.asyncIterator]();
  const onDocument = () => {
    if (++progress.documents % 500 === 0) options.onProgress?.(progress);
  };
  const chunkCharacters = options.chunkCharacters ?? BUILD_CHUNK_CHARACTERS;
  let segment;
  let threads = 0;
  try {
    const first = await readChunk(docs, chunkCharacters, onDocument);
    if (first.done) segment = await writeSegment(analyzer, tmpDir, FIRST_SEGMENT, first.docs);
    else {
      threads = buildThreads(options.threads);
      segment = await writeSegmentInChunks(tmpDir, FIRST_SEGMENT, first.docs, docs, { analyzer, threads, chunkCharacters, onDocument });
    }
  } finally {
    // Closes the input when the build stopped before its end.
    await docs.return?.(undefined);
  }
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
    threads,
  };
}

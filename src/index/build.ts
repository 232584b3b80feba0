/**
 * Builds an index from documents: streams them from the input (ingest),
 * analyses and counts them (IndexBuilder), stores them compressed
 * (DocumentStoreWriter), then persists everything atomically as a new
 * generation of the output folder.
 */
import { mkdirSync } from 'node:fs';
import { Analyzer, ANALYZER_VERSION } from '../analysis/pipeline.js';
import { loadDocuments, type LoadProblem } from '../ingest/load.js';
import { IndexBuilder } from './builder.js';
import { settingsHash } from './settings.js';
import { FORMAT_VERSION, MANIFEST_FILE, type Manifest } from './format.js';
import { writeWhole } from './files.js';
import { DocumentStoreWriter } from './store.js';
import { commitGeneration, discardGeneration, newGenerationDir } from './generations.js';

export class BuildError extends Error {
  override name = 'BuildError';
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
  const { tmpDir, generation } = newGenerationDir(options.out);
  try {
    return await buildInto(options, analyzer, tmpDir, generation, t0);
  } catch (e) {
    discardGeneration(tmpDir);
    throw e;
  }
}

async function buildInto(options: BuildOptions, analyzer: Analyzer, tmpDir: string, generation: string, t0: number): Promise<BuildSummary> {
  const store = new DocumentStoreWriter(tmpDir);
  try {
    return await fill(options, analyzer, tmpDir, generation, t0, store);
  } catch (e) {
    await store.abort();
    throw e;
  }
}

async function fill(options: BuildOptions, analyzer: Analyzer, tmpDir: string, generation: string, t0: number, store: DocumentStoreWriter): Promise<BuildSummary> {
  const builder = new IndexBuilder(analyzer);
  const problems: LoadProblem[] = [];
  let skipped = 0;
  const progress: BuildProgress = { documents: 0, skipped: 0, bytesRead: 0 };
  for await (const doc of loadDocuments(options.input, {
    strict: options.strict,
    onBytes: (n) => (progress.bytesRead += n),
    onProblem: (p) => {
      skipped++;
      progress.skipped = skipped;
      if (problems.length < 1000) problems.push(p);
      options.onProblem?.(p);
    },
  })) {
    builder.add(doc);
    await store.add(doc);
    progress.documents = builder.count;
    if (builder.count % 500 === 0) options.onProgress?.(progress);
  }
  options.onProgress?.(progress);
  if (builder.count === 0) {
    throw new BuildError(`no documents to index in ${options.input}${skipped ? ` (${skipped} skipped, see the messages above)` : ''}`);
  }
  const storeFiles = await store.close();
  const written = builder.writeIndex(tmpDir, store.offsets.toArray());
  const manifest: Manifest = {
    format: FORMAT_VERSION,
    analyzerVersion: ANALYZER_VERSION,
    settingsHash: settingsHash(analyzer),
    documents: builder.count,
    stemTerms: written.stemTerms,
    normTerms: written.normTerms,
    rootTerms: written.rootTerms,
    avgTitleLength: written.avgTitleLength,
    avgTextLength: written.avgTextLength,
    sources: written.sources,
    builtAt: new Date().toISOString(),
    buildSeconds: 0,
    arrays: written.arrays,
    files: { ...written.files, ...storeFiles },
  };
  manifest.buildSeconds = (performance.now() - t0) / 1000;
  writeWhole(tmpDir, MANIFEST_FILE, JSON.stringify(manifest, null, 1));
  commitGeneration(options.out, tmpDir, generation);
  const bytes = Object.values(manifest.files).reduce((a, f) => a + f.bytes, 0);
  return {
    documents: builder.count,
    skipped,
    problems,
    stemTerms: written.stemTerms,
    normTerms: written.normTerms,
    bytes,
    seconds: (performance.now() - t0) / 1000,
    generation,
  };
}

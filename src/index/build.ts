/**
 * Builds an index from documents: analysis, postings for stems and surface
 * forms, per-document lengths and metadata, and a compressed document store;
 * then persists it atomically as a new generation of the output folder.
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync, constants as zc } from 'node:zlib';
import { Analyzer, ANALYZER_VERSION } from '../analysis/pipeline.js';
import { Growable } from './growable.js';
import { varintLength, writeVarint } from './varint.js';
import { loadDocuments, type LoadProblem, type SourceDocument } from './documents.js';
import { parseDate, NO_DATE } from './dates.js';
import { settingsHash } from './settings.js';
import {
  FORMAT_VERSION,
  ARRAYS_FILE,
  IDS_FILE,
  LEXICON_FILE,
  MANIFEST_FILE,
  POSTINGS_FILE,
  STORE_DICT_FILE,
  STORE_FILE,
  packArrays,
  type Manifest,
} from './format.js';
import { commitGeneration, discardGeneration, newGenerationDir } from './generations.js';

export class BuildError extends Error {
  override name = 'BuildError';
}

/** Field frequencies share one byte: text in the low 6 bits, title in the top 2. */
export const MAX_TEXT_TF = 63;
export const MAX_TITLE_TF = 3;
export function packFrequencies(tfTitle: number, tfText: number): number {
  return Math.min(tfText, MAX_TEXT_TF) | (Math.min(tfTitle, MAX_TITLE_TF) << 6);
}

const DICT_SAMPLE_DOCS = 64;
const DICT_BYTES = 32 * 1024;
const STORE_FLUSH_BYTES = 4 << 20;

/** Accumulates the postings of one term namespace (stems or surface forms) in document order. */
class Namespace {
  readonly ids = new Map<string, number>();
  readonly terms: string[] = [];
  readonly df = new Growable(Uint32Array);
  readonly postTerm = new Growable(Uint32Array, 1 << 16);
  readonly postFreq = new Growable(Uint8Array, 1 << 16);
  /** postTerm index where each document's postings begin (plus the end). */
  readonly docStart = new Growable(Uint32Array);

  idOf(term: string): number {
    let id = this.ids.get(term);
    if (id === undefined) {
      id = this.terms.length;
      this.ids.set(term, id);
      this.terms.push(term);
      this.df.push(0);
    }
    return id;
  }

  addDocument(title: Map<number, number>, text: Map<number, number>): void {
    this.docStart.push(this.postTerm.length);
    for (const [t, tfText] of text) {
      this.postTerm.push(t);
      this.postFreq.push(packFrequencies(title.get(t) ?? 0, tfText));
    }
    for (const [t, tfTitle] of title) {
      if (text.has(t)) continue;
      this.postTerm.push(t);
      this.postFreq.push(packFrequencies(tfTitle, 0));
    }
    const df = this.df.view();
    for (const t of text.keys()) df[t]++;
    for (const t of title.keys()) if (!text.has(t)) df[t]++;
  }

  /**
   * Lays the postings out term by term (doc-id gaps as varints, each followed
   * by its frequency byte) and the lexicon in sorted term order.
   */
  finish(): { order: number[]; start: Float64Array; end: Float64Array; df: Uint32Array; postings: Buffer } {
    const n = this.terms.length;
    this.docStart.push(this.postTerm.length);
    const starts = this.docStart.view();
    const postTerm = this.postTerm.view();
    const docs = starts.length - 1;
    const size = new Float64Array(n);
    const last = new Int32Array(n).fill(-1);
    for (let d = 0; d < docs; d++) {
      for (let i = starts[d]; i < starts[d + 1]; i++) {
        const t = postTerm[i];
        size[t] += varintLength(d - last[t]) + 1;
        last[t] = d;
      }
    }
    const cursor = new Float64Array(n);
    let total = 0;
    for (let t = 0; t < n; t++) {
      cursor[t] = total;
      total += size[t];
    }
    const start = Float64Array.from(cursor);
    const postings = Buffer.alloc(total);
    const postFreq = this.postFreq.view();
    last.fill(-1);
    for (let d = 0; d < docs; d++) {
      for (let i = starts[d]; i < starts[d + 1]; i++) {
        const t = postTerm[i];
        let p = writeVarint(postings, cursor[t], d - last[t]);
        postings[p++] = postFreq[i];
        cursor[t] = p;
        last[t] = d;
      }
    }
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (this.terms[a] < this.terms[b] ? -1 : 1));
    const df = this.df.view();
    return {
      order,
      start: Float64Array.from(order, (t) => start[t]),
      end: Float64Array.from(order, (t) => cursor[t]),
      df: Uint32Array.from(order, (t) => df[t]),
      postings,
    };
  }
}

function countTerms(ns: Namespace, values: string[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const v of values) {
    const id = ns.idOf(v);
    m.set(id, (m.get(id) ?? 0) + 1);
  }
  return m;
}

/** Writes a file in chunks while hashing it. */
class HashedFile {
  private fd: number;
  private hash = createHash('sha256');
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  bytes = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  write(buf: Uint8Array): void {
    this.pending.push(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength));
    this.pendingBytes += buf.byteLength;
    if (this.pendingBytes >= STORE_FLUSH_BYTES) this.flush();
  }

  private flush(): void {
    if (!this.pendingBytes) return;
    const b = Buffer.concat(this.pending, this.pendingBytes);
    this.hash.update(b);
    let off = 0;
    while (off < b.length) off += writeSync(this.fd, b, off);
    this.bytes += b.length;
    this.pending = [];
    this.pendingBytes = 0;
  }

  close(): { bytes: number; sha256: string } {
    this.flush();
    fsyncSync(this.fd);
    closeSync(this.fd);
    return { bytes: this.bytes, sha256: this.hash.digest('hex') };
  }
}

function writeWhole(dir: string, name: string, data: Uint8Array | string): { bytes: number; sha256: string } {
  const f = new HashedFile(join(dir, name));
  f.write(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  return f.close();
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

/** The in-memory side of a build: everything but reading input and writing files. */
export class IndexBuilder {
  readonly stems = new Namespace();
  readonly norms = new Namespace();
  readonly roots = new Namespace();
  readonly ids: string[] = [];
  readonly titleLength = new Growable(Uint32Array);
  readonly textLength = new Growable(Uint32Array);
  readonly sourceOf = new Growable(Uint32Array);
  readonly dateOf = new Growable(Int32Array);
  readonly sources = new Map<string, number>();
  private titleTotal = 0;
  private textTotal = 0;

  constructor(readonly analyzer: Analyzer) {
    this.sources.set('', 0);
  }

  add(doc: SourceDocument): void {
    const title = this.analyzer.analyze(doc.title);
    const text = this.analyzer.analyze(doc.text);
    this.stems.addDocument(countTerms(this.stems, title.map((t) => t.term)), countTerms(this.stems, text.map((t) => t.term)));
    this.norms.addDocument(countTerms(this.norms, title.map((t) => t.norm)), countTerms(this.norms, text.map((t) => t.norm)));
    this.roots.addDocument(countTerms(this.roots, title.map((t) => t.root)), countTerms(this.roots, text.map((t) => t.root)));
    this.ids.push(doc.id);
    this.titleLength.push(title.length);
    this.textLength.push(text.length);
    this.titleTotal += title.length;
    this.textTotal += text.length;
    const source = typeof doc.metadata.source === 'string' ? doc.metadata.source : '';
    let sid = this.sources.get(source);
    if (sid === undefined) {
      sid = this.sources.size;
      this.sources.set(source, sid);
    }
    this.sourceOf.push(sid);
    this.dateOf.push(parseDate(doc.metadata.date) ?? NO_DATE);
  }

  get count(): number {
    return this.ids.length;
  }

  /** Writes everything but the store into `dir`; returns the manifest's counts and arrays. */
  writeIndex(dir: string, extra: Record<string, Float64Array> = {}): Pick<Manifest, 'stemTerms' | 'normTerms' | 'rootTerms' | 'avgTitleLength' | 'avgTextLength' | 'sources' | 'arrays' | 'files'> {
    const files: Manifest['files'] = {};
    const s = this.stems.finish();
    const n = this.norms.finish();
    const r = this.roots.finish();
    const normBase = s.postings.length;
    const rootBase = normBase + n.postings.length;
    files[POSTINGS_FILE] = writeWhole(dir, POSTINGS_FILE, Buffer.concat([s.postings, n.postings, r.postings]));
    const lines = (ns: Namespace, order: number[]) => order.map((t) => ns.terms[t] + '\n').join('');
    const lexicon = lines(this.stems, s.order) + lines(this.norms, n.order) + lines(this.roots, r.order);
    files[LEXICON_FILE] = writeWhole(dir, LEXICON_FILE, lexicon);
    files[IDS_FILE] = writeWhole(dir, IDS_FILE, JSON.stringify(this.ids));
    const { buffer, entries } = packArrays({
      stemDf: s.df,
      stemStart: s.start,
      stemEnd: s.end,
      normDf: n.df,
      normStart: n.start.map((x) => x + normBase),
      normEnd: n.end.map((x) => x + normBase),
      rootDf: r.df,
      rootStart: r.start.map((x) => x + rootBase),
      rootEnd: r.end.map((x) => x + rootBase),
      titleLength: this.titleLength.toArray(),
      textLength: this.textLength.toArray(),
      source: this.sourceOf.toArray(),
      date: this.dateOf.toArray(),
      ...extra,
    });
    files[ARRAYS_FILE] = writeWhole(dir, ARRAYS_FILE, buffer);
    const docs = Math.max(1, this.count);
    return {
      stemTerms: s.order.length,
      normTerms: n.order.length,
      rootTerms: r.order.length,
      avgTitleLength: this.titleTotal / docs,
      avgTextLength: this.textTotal / docs,
      sources: [...this.sources.keys()],
      arrays: entries,
      files,
    };
  }
}

/** Compresses documents one by one against a preset dictionary sampled from the first documents. */
class DocumentStore {
  private file: HashedFile;
  private dict: Buffer | undefined;
  private pending: SourceDocument[] = [];
  readonly offsets = new Growable(Float64Array);

  constructor(private readonly dir: string) {
    this.file = new HashedFile(join(dir, STORE_FILE));
    this.offsets.push(0);
  }

  add(doc: SourceDocument): void {
    if (this.dict) this.write(doc);
    else {
      this.pending.push(doc);
      if (this.pending.length >= DICT_SAMPLE_DOCS) this.seal();
    }
  }

  private seal(): void {
    const sample = Buffer.from(this.pending.map((d) => `${d.title}\n${d.text}`).join('\n'), 'utf8');
    this.dict = sample.subarray(Math.max(0, sample.length - DICT_BYTES));
    for (const d of this.pending) this.write(d);
    this.pending = [];
  }

  private write(doc: SourceDocument): void {
    const json = Buffer.from(JSON.stringify({ id: doc.id, title: doc.title, text: doc.text, metadata: doc.metadata }), 'utf8');
    const z = deflateRawSync(json, { dictionary: this.dict, level: 6, strategy: zc.Z_DEFAULT_STRATEGY });
    this.file.write(z);
    this.offsets.push(this.offsets.get(this.offsets.length - 1) + z.length);
  }

  close(): Record<string, { bytes: number; sha256: string }> {
    if (!this.dict) this.seal();
    return { [STORE_FILE]: this.file.close(), [STORE_DICT_FILE]: writeWhole(this.dir, STORE_DICT_FILE, this.dict ?? Buffer.alloc(0)) };
  }
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
  const builder = new IndexBuilder(analyzer);
  const store = new DocumentStore(tmpDir);
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
    store.add(doc);
    progress.documents = builder.count;
    if (builder.count % 500 === 0) options.onProgress?.(progress);
  }
  options.onProgress?.(progress);
  if (builder.count === 0) {
    throw new BuildError(`no documents to index in ${options.input}${skipped ? ` (${skipped} skipped, see the messages above)` : ''}`);
  }
  const storeFiles = store.close();
  const written = builder.writeIndex(tmpDir, { storeOffset: store.offsets.toArray() });
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

/**
 * A segment built in parallel. The documents, read and checked on this
 * thread, are cut into chunks of consecutive documents (about
 * BUILD_CHUNK_CHARACTERS of title and text each), sent to chunk workers
 * (chunk-worker.ts, on worker threads) in small batches. The workers analyse
 * them; the documents are compressed for the store against the one
 * dictionary sampled here from the first documents (by the workers, or by
 * this thread while its one worker analyses); this thread numbers each
 * chunk's terms in chunk order — so in order of first appearance in the
 * whole input, as one builder numbers them; a lone worker's own numbering is
 * that already, and is taken as it is — and appends the compressed documents
 * to the store; each worker then writes its chunk's postings as a run, and
 * the runs are merged (merge-runs.ts).
 *
 * The segment is byte for byte the one a single IndexBuilder writes from the
 * same documents (tests/unit/parallel-build.test.ts holds the two equal).
 * Memory holds a few batches of documents and the postings of a few chunks,
 * whatever the size of the input.
 */
import { rmSync } from 'node:fs';
import type { Analyzer } from '../analysis/pipeline.js';
import { Growable } from '../common/growable.js';
import { BUILD_BATCH_DOCUMENTS, BUILD_BATCHES_PER_THREAD, BUILD_CHUNKS_PER_THREAD } from '../common/limits.js';
import type { Document } from '../ingest/document.js';
import { NAMESPACES, type ChunkTerms, type NamespaceName } from './builder.js';
import { ChunkWorker, errorFrom, type FromWorker, type ToWorker, type WorkerSetup } from './chunk-worker.js';
import { segmentFile, type SegmentEntry } from './format.js';
import { Jumps } from './jumps.js';
import { mergeRuns } from './merge-runs.js';
import { startModuleWorker } from './module-worker.js';
import type { RunInfo } from './runs.js';
import { writeSegmentFiles } from './segment-files.js';
import { compressDocuments, DICT_SAMPLE_DOCS, StoreFile, storeDictionary } from './store.js';

export interface ChunkedOptions {
  analyzer: Analyzer;
  /**
   * Worker threads analysing chunks; 0: every chunk on this thread. With one,
   * this thread compresses the documents for the store while the worker
   * analyses them (the two halves of the work are about even); with more,
   * each worker compresses its own chunks.
   */
  threads: number;
  /** Characters of title and text per chunk. */
  chunkCharacters: number;
  /** Called after each document read, with the count so far. */
  onDocument?: (count: number) => void;
}

/** The characters of a document that its analysis costs. */
const weight = (doc: Document) => doc.title.length + doc.text.length;

/**
 * Reads the next chunk of documents from `docs`: until they hold
 * `characters` of title and text, or the input ends (`done`).
 */
export async function readChunk(docs: AsyncIterator<Document> | Iterator<Document>, characters: number, onDocument?: () => void): Promise<{ docs: Document[]; done: boolean }> {
  const out: Document[] = [];
  let size = 0;
  while (size < characters) {
    const r = await docs.next();
    if (r.done) return { docs: out, done: true };
    out.push(r.value);
    size += weight(r.value);
    onDocument?.();
  }
  return { docs: out, done: false };
}

/** Global numbers of one namespace's terms, given in order of first appearance. */
class GlobalTerms {
  private readonly ids = new Map<string, number>();
  readonly terms: string[] = [];
  readonly display: string[] = [];

  idOf(term: string, display?: string): number {
    let id = this.ids.get(term);
    if (id === undefined) {
      id = this.terms.length;
      this.ids.set(term, id);
      this.terms.push(term);
      if (display !== undefined) this.display.push(display);
    }
    return id;
  }

  /**
   * Takes the terms a lone worker numbered itself (its numbers are the
   * global ones): they follow the ones taken before, without a lookup.
   */
  extend(t: ChunkTerms, ns: NamespaceName, chunk: number): void {
    if (t.firstNew !== this.terms.length) throw new Error(`the build worker numbered the ${ns} of chunk ${chunk} from ${t.firstNew}, not ${this.terms.length}`);
    for (const term of t.added) this.terms.push(term);
    if (t.display) for (const d of t.display) this.display.push(d);
  }
}

/** A chunk worker as the build sees it: on a thread, or on this one. */
interface Executor {
  /** Batches of documents sent and not yet analysed. */
  batches: number;
  /** Chunks begun and not yet done. */
  chunks: number;
  post(m: ToWorker): void;
  stop(): Promise<void>;
}

type Done = Extract<FromWorker, { type: 'done' }>;

class ChunkedBuild {
  private readonly executors: Executor[] = [];
  /** Per executor and namespace: the global number of each term of its dictionary (-1 until numbered). */
  private readonly known: Record<NamespaceName, Growable<Int32Array>>[] = [];
  private readonly terms = { stems: new GlobalTerms(), norms: new GlobalTerms(), roots: new GlobalTerms() };
  private readonly store: StoreFile;
  /** Number of each chunk's first document, and the documents given out so far. */
  private readonly bases: number[] = [];
  private given = 0;
  private readonly runs: RunInfo[] = [];
  private readonly termsWaiting = new Map<number, { from: number; terms: Record<NamespaceName, ChunkTerms> }>();
  private nextTerms = 0;
  private readonly doneWaiting = new Map<number, Done>();
  private nextDone = 0;
  private readonly documents = {
    ids: [] as string[],
    titleLength: new Growable(Uint32Array),
    textLength: new Growable(Uint32Array),
    source: new Growable(Uint32Array),
    date: new Growable(Int32Array),
    sources: new Map<string, number>(),
    jumps: new Jumps(),
    titleWords: 0,
    textWords: 0,
  };
  private failure: Error | undefined;
  private waiters: (() => void)[] = [];
  private stopped = false;
  /** The chunk being sent, and its worker. */
  private current: { chunk: number; executor: Executor } | undefined;

  /** This thread compresses the documents for the store (else the workers do). */
  private readonly compressHere: boolean;
  /** One worker, numbering terms itself (see WorkerSetup.alone). */
  private readonly alone: boolean;

  constructor(
    private readonly dir: string,
    private readonly name: string,
    private readonly dictionary: Buffer,
    options: ChunkedOptions,
  ) {
    this.store = new StoreFile(dir, name);
    this.compressHere = options.threads === 1;
    const setup: WorkerSetup = { settings: options.analyzer.settings, wordTableLimit: options.analyzer.wordTableLimit, dictionary: this.compressHere ? undefined : dictionary, dir, alone: options.threads <= 1 };
    this.alone = setup.alone;
    const count = Math.max(1, options.threads);
    for (let i = 0; i < count; i++) {
      this.executors.push(options.threads > 0 ? this.thread(i, setup) : this.inProcess(i, setup));
      this.known.push({ stems: new Growable(Int32Array), norms: new Growable(Int32Array), roots: new Growable(Int32Array) });
    }
  }

  private thread(i: number, setup: WorkerSetup): Executor {
    const worker = startModuleWorker(import.meta.url, './chunk-thread', { workerData: setup });
    worker.on('message', (m: FromWorker) => this.receive(i, m));
    worker.on('error', (e) => this.fail(e));
    worker.on('exit', (code) => {
      if (!this.stopped) this.fail(new Error(`a build worker stopped unexpectedly (exit code ${code})`));
    });
    return {
      batches: 0,
      chunks: 0,
      post: (m) => worker.postMessage(m),
      stop: async () => void (await worker.terminate()),
    };
  }

  private inProcess(i: number, setup: WorkerSetup): Executor {
    // Messages go round the event loop, as they would between threads: a handler never runs inside another.
    const worker = new ChunkWorker(setup, (m) => queueMicrotask(() => this.receive(i, m)));
    return { batches: 0, chunks: 0, post: (m) => queueMicrotask(() => worker.handle(m)), stop: async () => {} };
  }

  private fail(e: unknown): void {
    this.failure ??= e instanceof Error ? e : new Error(String(e));
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private async waitUntil(cond: () => boolean): Promise<void> {
    while (!this.failure && !cond()) await new Promise<void>((resolve) => this.waiters.push(resolve));
    if (this.failure) throw this.failure;
  }

  /**
   * Sends a batch of documents of the current chunk, `end` if it is the
   * chunk's last; the first batch after an end begins the next chunk, given
   * to the least busy worker once one has room.
   */
  async add(docs: Document[], end: boolean): Promise<void> {
    if (!this.current) {
      await this.waitUntil(() => this.executors.some((e) => e.chunks < BUILD_CHUNKS_PER_THREAD));
      const free = this.executors.filter((e) => e.chunks < BUILD_CHUNKS_PER_THREAD);
      const e = free.reduce((a, b) => (b.chunks < a.chunks || (b.chunks === a.chunks && b.batches < a.batches) ? b : a));
      e.chunks++;
      this.current = { chunk: this.bases.length, executor: e };
      this.bases.push(this.given);
    }
    const { chunk, executor: e } = this.current;
    await this.waitUntil(() => e.batches < BUILD_BATCHES_PER_THREAD);
    this.given += docs.length;
    e.batches++;
    e.post({ type: 'docs', chunk, docs, end });
    if (end) this.current = undefined;
    // Batches are sent in order: their documents go into the store in order too.
    if (this.compressHere && docs.length) this.store.append(compressDocuments(docs, this.dictionary));
  }

  /** A chunk has begun and not ended. */
  get open(): boolean {
    return this.current !== undefined;
  }

  private receive(from: number, m: FromWorker): void {
    if (this.failure) return;
    try {
      if (m.type === 'failed') throw errorFrom(m.error);
      if (m.type === 'took') {
        this.executors[from].batches--;
        this.wake();
        return;
      }
      if (m.type === 'terms') {
        this.termsWaiting.set(m.chunk, { from, terms: m.terms });
        // Terms are numbered in chunk order, whichever worker finishes first.
        for (let t = this.termsWaiting.get(this.nextTerms); t; t = this.termsWaiting.get(this.nextTerms)) {
          this.termsWaiting.delete(this.nextTerms);
          if (this.alone) for (const ns of NAMESPACES) this.terms[ns].extend(t.terms[ns], ns, this.nextTerms);
          else {
            const global = { stems: this.number(t.from, 'stems', t.terms.stems), norms: this.number(t.from, 'norms', t.terms.norms), roots: this.number(t.from, 'roots', t.terms.roots) };
            this.executors[t.from].post({ type: 'layout', chunk: this.nextTerms, global });
          }
          this.nextTerms++;
        }
        return;
      }
      this.executors[from].chunks--;
      this.doneWaiting.set(m.chunk, m);
      for (let d = this.doneWaiting.get(this.nextDone); d; d = this.doneWaiting.get(this.nextDone)) {
        this.doneWaiting.delete(this.nextDone++);
        this.collect(d);
      }
      this.wake();
    } catch (e) {
      this.fail(e);
    }
  }

  /** Global numbers of one chunk's terms of namespace `ns`, numbering the ones met for the first time. */
  private number(from: number, ns: NamespaceName, t: ChunkTerms): Int32Array {
    const known = this.known[from][ns];
    // The worker's new terms are all in this chunk: each is numbered below.
    while (known.length < t.firstNew + t.added.length) known.push(-1);
    const global = new Int32Array(t.ids.length);
    const terms = this.terms[ns];
    for (let local = 0; local < t.ids.length; local++) {
      const id = t.ids[local];
      let g = known.get(id);
      if (g < 0) {
        const k = id - t.firstNew;
        if (k < 0) throw new Error(`build worker ${from} named ${ns} term ${id} without reporting it`);
        g = terms.idOf(t.added[k], t.display?.[k]);
        known.set(id, g);
      }
      global[local] = g;
    }
    return global;
  }

  /** Takes in a finished chunk, in chunk order: its stored documents, its documents' values, its run. */
  private collect(d: Done): void {
    for (const records of d.store) this.store.append(records);
    this.runs.push(d.run);
    const docs = this.documents;
    const c = d.documents;
    docs.jumps.append(c.jumps, docs.ids.length);
    for (const id of c.ids) docs.ids.push(id);
    docs.titleLength.append(c.titleLength);
    docs.textLength.append(c.textLength);
    docs.date.append(c.date);
    docs.titleWords += c.titleWords;
    docs.textWords += c.textWords;
    // Source numbers in order of first appearance in the whole input: '' (none) is 0.
    if (docs.sources.size === 0) docs.sources.set('', 0);
    const global = c.sources.map((s) => {
      let id = docs.sources.get(s);
      if (id === undefined) docs.sources.set(s, (id = docs.sources.size));
      return id;
    });
    for (const sid of c.source) docs.source.push(global[sid]);
  }

  /** Waits for every chunk, merges the runs and writes the rest of the segment. */
  async finish(): Promise<SegmentEntry> {
    await this.waitUntil(() => this.nextDone === this.bases.length);
    await this.stop();
    const file = (f: Parameters<typeof segmentFile>[1]) => segmentFile(this.name, f);
    const counts = { stems: this.terms.stems.terms.length, norms: this.terms.norms.terms.length, roots: this.terms.roots.terms.length };
    const files = this.store.close(this.dictionary);
    const merged = mergeRuns(this.dir, { postings: file('postings'), positions: file('positions') }, this.runs, this.bases, counts);
    this.removeRuns();
    files[file('postings')] = merged.postings;
    files[file('positions')] = merged.positions;
    const d = this.documents;
    return writeSegmentFiles(this.dir, this.name, {
      stems: { terms: this.terms.stems.terms, ...merged.stems },
      norms: { terms: this.terms.norms.terms, display: this.terms.norms.display, ...merged.norms },
      roots: { terms: this.terms.roots.terms, ...merged.roots },
      documents: {
        ids: d.ids,
        titleLength: d.titleLength.toArray(),
        textLength: d.textLength.toArray(),
        titleWords: d.titleWords,
        textWords: d.textWords,
        source: d.source.toArray(),
        sources: [...d.sources.keys()],
        date: d.date.toArray(),
        storeOffset: this.store.offsets.toArray(),
        storeCrc: this.store.crcs.toArray(),
        jumps: d.jumps.arrays(),
      },
      files,
    });
  }

  private removeRuns(): void {
    for (const r of this.runs) rmSync(r.path, { force: true });
  }

  /** Stops the workers (each at most once). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all(this.executors.map((e) => e.stop()));
  }

  /** Stops everything after a failure: nothing of the segment is kept. */
  async abort(): Promise<void> {
    await this.stop();
    this.store.abandon();
    this.removeRuns();
  }
}

/**
 * Writes segment `name` into `dir` in parallel from `first` (the documents
 * read so far, at least one chunk's worth) and the rest of `docs`.
 */
export async function writeSegmentInChunks(dir: string, name: string, first: Document[], docs: AsyncIterator<Document> | Iterator<Document>, options: ChunkedOptions): Promise<SegmentEntry> {
  let read = first.length;
  const ahead = [...first];
  // The store's dictionary comes from the first documents, however small the chunks.
  for (let r; ahead.length < DICT_SAMPLE_DOCS && !(r = await docs.next()).done; ) {
    ahead.push(r.value);
    options.onDocument?.(++read);
  }
  const build = new ChunkedBuild(dir, name, storeDictionary(ahead), options);
  let batch: Document[] = [];
  let size = 0;
  const take = async (doc: Document) => {
    batch.push(doc);
    size += weight(doc);
    const end = size >= options.chunkCharacters;
    if (end || batch.length >= BUILD_BATCH_DOCUMENTS) {
      await build.add(batch, end);
      batch = [];
      if (end) size = 0;
    }
  };
  try {
    for (const doc of ahead) await take(doc);
    ahead.length = 0;
    for (let r; !(r = await docs.next()).done; ) {
      options.onDocument?.(++read);
      await take(r.value);
    }
    if (batch.length || build.open) await build.add(batch, true);
    return await build.finish();
  } catch (e) {
    await build.abort();
    throw e;
  }
}

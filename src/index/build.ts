/**
 * Builds an index from documents: analysis, postings for stems and surface
 * forms, per-document lengths and metadata, and a compressed document store;
 * then persists it atomically as a new generation of the output folder.
 */
import { mkdirSync } from 'node:fs';
import { Analyzer, ANALYZER_VERSION, NORM, READING, ROOT, STOP, TERM } from '../analysis/pipeline.js';
import { displayForm } from '../analysis/normalize.js';
import { FahrasError } from '../common/errors.js';
import { Growable } from './growable.js';
import { postingLength, writePosting } from './postings.js';
import { loadDocuments, type LoadProblem, type SourceDocument } from './documents.js';
import { parseDate, NO_DATE } from './dates.js';
import { settingsHash } from './settings.js';
import {
  FORMAT_VERSION,
  ARRAYS_FILE,
  IDS_FILE,
  LEXICON_FILE,
  DISPLAY_FILE,
  MANIFEST_FILE,
  POSTINGS_FILE,
  packArrays,
  type Manifest,
} from './format.js';
import { writeWhole } from './files.js';
import { DocumentStoreWriter } from './store.js';
import { commitGeneration, discardGeneration, newGenerationDir } from './generations.js';

export class BuildError extends FahrasError {
  override name = 'BuildError';
  override readonly kind = 'invalid_input';
}

/** Field frequencies share one byte: text in the low 6 bits, title in the top 2. */
export const MAX_TEXT_TF = 63;
export const MAX_TITLE_TF = 3;
export function packFrequencies(tfTitle: number, tfText: number): number {
  return Math.min(tfText, MAX_TEXT_TF) | (Math.min(tfTitle, MAX_TITLE_TF) << 6);
}


/** Accumulates the postings of one term namespace (stems or surface forms) in document order. */
class Namespace {
  readonly ids = new Map<string, number>();
  readonly terms: string[] = [];
  readonly df = new Growable(Uint32Array);
  /** Readable spelling of each term (surface forms only): the first spelling seen. */
  readonly display: string[] = [];
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

  /** Per-term frequencies of the document being added, by field, and the terms it touched. */
  private tfTitle = new Uint16Array(1024);
  private tfText = new Uint16Array(1024);
  private touched: number[] = [];

  /** Counts one occurrence of term `id` in the title (field 0) or text (field 1). */
  count(id: number, field: 0 | 1): void {
    if (id >= this.tfTitle.length) {
      const grow = (a: Uint16Array) => {
        const b = new Uint16Array(Math.max(id + 1, a.length * 2));
        b.set(a);
        return b;
      };
      this.tfTitle = grow(this.tfTitle);
      this.tfText = grow(this.tfText);
    }
    if (this.tfTitle[id] === 0 && this.tfText[id] === 0) this.touched.push(id);
    const tf = field === 0 ? this.tfTitle : this.tfText;
    if (tf[id] < 0xffff) tf[id]++;
  }

  /** Turns the counts of the current document into its postings. */
  endDocument(): void {
    this.docStart.push(this.postTerm.length);
    const df = this.df.view();
    for (const t of this.touched) {
      this.postTerm.push(t);
      this.postFreq.push(packFrequencies(this.tfTitle[t], this.tfText[t]));
      df[t]++;
      this.tfTitle[t] = 0;
      this.tfText[t] = 0;
    }
    this.touched.length = 0;
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
    const postFreq = this.postFreq.view();
    for (let d = 0; d < docs; d++) {
      for (let i = starts[d]; i < starts[d + 1]; i++) {
        const t = postTerm[i];
        size[t] += postingLength(d - last[t], postFreq[i]);
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
    last.fill(-1);
    for (let d = 0; d < docs; d++) {
      for (let i = starts[d]; i < starts[d + 1]; i++) {
        const t = postTerm[i];
        cursor[t] = writePosting(postings, cursor[t], d - last[t], postFreq[i]);
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

type FinishedNamespace = ReturnType<Namespace['finish']>;

/** Byte offsets as 32-bit integers while the postings stay under 4 GiB. */
function compact(offsets: Float64Array): Float64Array | Uint32Array {
  return offsets.every((x) => x < 2 ** 32) ? Uint32Array.from(offsets) : offsets;
}

function fnv(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}

/** Finds, for a list of another namespace, a byte-identical stem list to share. */
class PostingsSharing {
  private readonly byKey = new Map<string, number[]>();

  constructor(private readonly stems: FinishedNamespace) {
    for (let i = 0; i < stems.start.length; i++) {
      const bytes = stems.postings.subarray(stems.start[i], stems.end[i]);
      const key = `${bytes.length}:${fnv(bytes)}`;
      const list = this.byKey.get(key);
      if (list) list.push(i);
      else this.byKey.set(key, [i]);
    }
  }

  /** Absolute offsets for `ns` whose own (unshared) lists are laid out from `base`. */
  place(ns: FinishedNamespace, base: number): { start: Float64Array; end: Float64Array; postings: Buffer } {
    const start = new Float64Array(ns.start.length);
    const end = new Float64Array(ns.start.length);
    const parts: Buffer[] = [];
    let at = base;
    for (let i = 0; i < ns.start.length; i++) {
      const bytes = ns.postings.subarray(ns.start[i], ns.end[i]);
      const twin = this.byKey.get(`${bytes.length}:${fnv(bytes)}`)?.find((j) => bytes.equals(this.stems.postings.subarray(this.stems.start[j], this.stems.end[j])));
      if (twin !== undefined) {
        start[i] = this.stems.start[twin];
        end[i] = this.stems.end[twin];
      } else {
        parts.push(bytes);
        start[i] = at;
        end[i] = at += bytes.length;
      }
    }
    return { start, end, postings: Buffer.concat(parts) };
  }
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

  /**
   * Term ids of the words of the analyzer's word table, by entry: an offset
   * into `forms`, which holds [n, stem, norm, root, stem, norm, root…] (n = 0
   * for stop words), or -1 until the entry is first met in this build.
   */
  private entryForms = new Int32Array(1 << 16).fill(-1);
  private tableGeneration = -1;
  private forms = new Growable(Int32Array, 1 << 16);

  private learn(entry: number): number {
    const table = this.analyzer.words;
    const f = table.value(entry);
    const at = this.forms.length;
    let n = 0;
    this.forms.push(0);
    for (let i = 0; i < f.length; i += READING) {
      if (f[i + STOP]) continue;
      this.forms.push(this.stems.idOf(f[i + TERM]));
      const norm = this.norms.idOf(f[i + NORM]);
      if (norm === this.norms.display.length) this.norms.display.push(f.length === READING ? displayForm(table.surface(entry)) : f[i + NORM]);
      this.forms.push(norm);
      this.forms.push(this.roots.idOf(f[i + ROOT]));
      n++;
    }
    this.forms.view()[at] = n;
    if (entry >= this.entryForms.length) {
      const grown = new Int32Array(Math.max(entry + 1, this.entryForms.length * 2)).fill(-1);
      grown.set(this.entryForms);
      this.entryForms = grown;
    }
    this.entryForms[entry] = at;
    return at;
  }

  /** Counts the terms of one field; returns its length in (non-stop) words. */
  private scan(text: string, field: 0 | 1): number {
    const table = this.analyzer.words;
    let length = 0;
    table.scan(text, (_start, _end, entry) => {
      if (table.generation !== this.tableGeneration) {
        // The word table started afresh (even mid-field): its entry numbers mean other words now.
        this.entryForms.fill(-1);
        this.forms = new Growable(Int32Array, 1 << 16);
        this.tableGeneration = table.generation;
      }
      const known = entry < this.entryForms.length ? this.entryForms[entry] : -1;
      const at = known >= 0 ? known : this.learn(entry);
      const forms = this.forms.view();
      const n = forms[at];
      for (let i = 0, p = at + 1; i < n; i++, p += 3) {
        this.stems.count(forms[p], field);
        this.norms.count(forms[p + 1], field);
        this.roots.count(forms[p + 2], field);
      }
      length += n;
    });
    return length;
  }

  add(doc: SourceDocument): void {
    const titleLength = this.scan(doc.title, 0);
    const textLength = this.scan(doc.text, 1);
    this.stems.endDocument();
    this.norms.endDocument();
    this.roots.endDocument();
    this.ids.push(doc.id);
    this.titleLength.push(titleLength);
    this.textLength.push(textLength);
    this.titleTotal += titleLength;
    this.textTotal += textLength;
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
    // Surface-form and root lists identical to a stem's list (a word met in one
    // form only, a root with one stem) point at the stem's bytes instead.
    const shared = new PostingsSharing(s);
    const nShared = shared.place(n, s.postings.length);
    const rShared = shared.place(r, s.postings.length + nShared.postings.length);
    files[POSTINGS_FILE] = writeWhole(dir, POSTINGS_FILE, Buffer.concat([s.postings, nShared.postings, rShared.postings]));
    const lines = (ns: Namespace, order: number[]) => order.map((t) => ns.terms[t] + '\n').join('');
    const lexicon = lines(this.stems, s.order) + lines(this.norms, n.order) + lines(this.roots, r.order);
    files[LEXICON_FILE] = writeWhole(dir, LEXICON_FILE, lexicon);
    // An empty line: the readable spelling is the surface form itself.
    const display = (t: number) => (this.norms.display[t] === this.norms.terms[t] ? '' : this.norms.display[t]);
    files[DISPLAY_FILE] = writeWhole(dir, DISPLAY_FILE, n.order.map((t) => display(t) + '\n').join(''));
    files[IDS_FILE] = writeWhole(dir, IDS_FILE, JSON.stringify(this.ids));
    const { buffer, entries } = packArrays({
      stemDf: s.df,
      stemStart: compact(s.start),
      stemEnd: compact(s.end),
      normDf: n.df,
      normStart: compact(nShared.start),
      normEnd: compact(nShared.end),
      rootDf: r.df,
      rootStart: compact(rShared.start),
      rootEnd: compact(rShared.end),
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

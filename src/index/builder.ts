/**
 * The in-memory side of writing a segment: documents in, the segment's files
 * out. Each word of a title or text is read through the analyzer's scan and
 * counted under three terms (stem, exact surface form, root), its stem's
 * position recorded; per document, the counts become postings.
 *
 * A builder keeps its term dictionaries and its cache of the analyzer's
 * words for its whole life, and its postings since the last `reset`: one
 * segment (`writeSegment` lays it out on disk beside the store the caller
 * wrote), or one chunk of a parallel build (`chunkTerms` and `writeRun`, see
 * parallel-build.ts).
 */
import type { Analyzer, Word } from '../analysis/pipeline.js';
import { displayForm } from '../analysis/normalize.js';
import { Growable, ensureIndex } from '../common/growable.js';
import type { Document } from '../ingest/document.js';
import { parseDate, NO_DATE } from './dates.js';
import { writeWhole } from './files.js';
import { segmentFile, type FileRecord, type SegmentEntry } from './format.js';
import { FIELD_GAP, JUMP_WORDS, PositionsWriter } from './positions.js';
import { SNIPPET_SCAN_CHARACTERS } from '../common/limits.js';
import { Jumps } from './jumps.js';
import { PostingsSharing } from './postings.js';
import { writeRunFile, type RunInfo } from './runs.js';
import { writeSegmentFiles, type SegmentDocuments } from './segment-files.js';
import { LocalNumbers, NamespacePostings, TermDictionary, TEXT, TITLE, type Field } from './term-postings.js';

/** Where the caller stored the documents: the store's files, each document's offset and checksum. */
export interface StoredDocuments {
  files: Record<string, FileRecord>;
  offsets: Float64Array;
  crcs: Uint32Array;
}

/** The namespaces, in the order their postings are laid out in postings.bin. */
export const NAMESPACES = ['stems', 'norms', 'roots'] as const;
export type NamespaceName = (typeof NAMESPACES)[number];

/** A chunk's terms in order of first appearance in it, as dictionary ids, and the dictionary's terms not reported before. */
export interface ChunkTerms {
  /** Dictionary id of each of the chunk's terms, by chunk-local number. */
  ids: Uint32Array;
  /** Terms the dictionary gained since the last report (ids from `firstNew` on). */
  firstNew: number;
  added: string[];
  /** Surface forms only: the readable spelling of each added term. */
  display?: string[];
}

/** The per-document part of a chunk (store offsets excluded: the store is written by the caller). */
export type ChunkDocuments = Omit<SegmentDocuments, 'storeOffset' | 'storeCrc'>;

/** The documents added since a builder's last chunk ended: their postings and per-document values. */
export class Chunk {
  readonly postings: Record<NamespaceName, NamespacePostings>;
  ids: string[] = [];
  readonly titleLength = new Growable(Uint32Array);
  readonly textLength = new Growable(Uint32Array);
  readonly sourceOf = new Growable(Uint32Array);
  readonly dateOf = new Growable(Int32Array);
  sources = new Map<string, number>([['', 0]]);
  titleTotal = 0;
  textTotal = 0;
  /** Jumps into the chunk's long texts, by chunk-local document number. */
  readonly jumps = new Jumps();

  constructor(numbers: Record<NamespaceName, LocalNumbers>) {
    this.postings = { stems: new NamespacePostings(numbers.stems, new PositionsWriter()), norms: new NamespacePostings(numbers.norms), roots: new NamespacePostings(numbers.roots) };
  }

  get count(): number {
    return this.ids.length;
  }

  /** Records the per-document values of a document whose postings were just counted. */
  addDocument(doc: Document, titleLength: number, textLength: number): void {
    for (const ns of NAMESPACES) this.postings[ns].endDocument();
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

  /** The chunk's documents, in order. */
  documents(): ChunkDocuments {
    return {
      ids: this.ids,
      titleLength: this.titleLength.toArray(),
      textLength: this.textLength.toArray(),
      titleWords: this.titleTotal,
      textWords: this.textTotal,
      source: this.sourceOf.toArray(),
      sources: [...this.sources.keys()],
      date: this.dateOf.toArray(),
      jumps: this.jumps.arrays(),
    };
  }

  /**
   * Writes the chunk's postings to run file `path`, each namespace's lists in
   * the order of the global term numbers `global[ns]` gives its local terms.
   */
  writeRun(path: string, global: Record<NamespaceName, Int32Array>): RunInfo {
    const ns = (name: NamespaceName) => ({ ...this.postings[name].layoutBy(global[name]), global: global[name] });
    return writeRunFile(path, { stems: ns('stems'), norms: ns('norms'), roots: ns('roots') });
  }

  /** Empties the chunk for reuse. */
  reset(): void {
    for (const ns of NAMESPACES) this.postings[ns].reset();
    this.ids = [];
    this.titleLength.clear();
    this.textLength.clear();
    this.sourceOf.clear();
    this.dateOf.clear();
    this.jumps.clear();
    this.sources = new Map([['', 0]]);
    this.titleTotal = 0;
    this.textTotal = 0;
  }
}

export class IndexBuilder {
  private readonly dictionaries = { stems: new TermDictionary(), norms: new TermDictionary(), roots: new TermDictionary() };
  /** Dictionary terms reported by `endChunk` so far, per namespace. */
  private readonly reported = { stems: 0, norms: 0, roots: 0 };
  private readonly numbers = { stems: new LocalNumbers(), norms: new LocalNumbers(), roots: new LocalNumbers() };
  private chunk = new Chunk(this.numbers);
  /** Chunks given back after use (`release`), emptied, for the next ones. */
  private readonly spare: Chunk[] = [];

  /**
   * Term ids of the analyzer's words, by word entry: an offset into `forms`,
   * which holds [n, readings, (reading, stem, norm, root) × n] for the n
   * non-stop readings of the word's `readings` (n = 0 for stop words), or -1
   * until the word is first met by this builder. Entry numbers keep their
   * meaning while the analyzer's epoch is unchanged.
   */
  private entryForms = new Int32Array(1 << 16).fill(-1);
  private readonly forms = new Growable(Int32Array, 1 << 16);
  private epoch = -1;

  constructor(readonly analyzer: Analyzer) {}

  /** Documents added to the current chunk. */
  get count(): number {
    return this.chunk.count;
  }

  private learn(w: Word): number {
    const { stems, norms, roots } = this.dictionaries;
    const at = this.forms.length;
    let n = 0;
    this.forms.push(0);
    this.forms.push(w.readings);
    const several = w.readings > 1;
    for (let i = 0; i < w.readings; i++) {
      if (w.isStop(i)) continue;
      this.forms.push(i);
      this.forms.push(stems.idOf(w.stem(i)));
      const norm = norms.idOf(w.norm(i));
      if (norm === norms.display.length) norms.display.push(several ? w.norm(i) : displayForm(w.surface));
      this.forms.push(norm);
      this.forms.push(roots.idOf(w.root(i)));
      n++;
    }
    this.forms.set(at, n);
    this.entryForms = ensureIndex(this.entryForms, w.entry, -1);
    this.entryForms[w.entry] = at;
    return at;
  }

  /**
   * Counts the terms of one field whose first word is at `position`; returns
   * its length in non-stop words and the position after its last word.
   */
  private scan(text: string, field: Field, position: number, jumps = false): [number, number] {
    if (this.analyzer.epoch !== this.epoch) {
      // The word table started afresh: its entry numbers name other words now.
      this.entryForms.fill(-1);
      this.forms.clear();
      this.epoch = this.analyzer.epoch;
    }
    const { stems, norms, roots } = this.chunk.postings;
    let length = 0;
    let nextJump = jumps ? position : Infinity;
    this.analyzer.scan(text, (start, _end, w) => {
      if (position >= nextJump) {
        this.chunk.jumps.push(position, start);
        nextJump = position - (position % JUMP_WORDS) + JUMP_WORDS;
      }
      const known = w.entry < this.entryForms.length ? this.entryForms[w.entry] : -1;
      const at = known >= 0 ? known : this.learn(w);
      const forms = this.forms.raw;
      const n = forms[at];
      for (let i = 0, p = at + 2; i < n; i++, p += 4) {
        const pos = position + forms[p];
        stems.count(forms[p + 1], field, pos);
        norms.count(forms[p + 2], field, pos);
        roots.count(forms[p + 3], field, pos);
      }
      position += forms[at + 1];
      length += n;
    });
    return [length, position];
  }

  add(doc: Document): void {
    const jumps = doc.text.length > SNIPPET_SCAN_CHARACTERS;
    if (jumps) this.chunk.jumps.begin(this.chunk.count);
    const [textLength, afterText] = this.scan(doc.text, TEXT, 0, jumps);
    if (jumps) {
      // The last jump: the text's word count and length, where the title's positions begin to be past.
      this.chunk.jumps.push(afterText, doc.text.length);
    }
    const [titleLength] = this.scan(doc.title, TITLE, afterText + FIELD_GAP);
    this.chunk.addDocument(doc, titleLength, textLength);
  }

  /** The terms of namespace `ns` of the current chunk, by local number, through `of` (default: the term itself). */
  private localTerms(ns: NamespaceName, of: readonly string[] = this.dictionaries[ns].terms): string[] {
    return Array.from(this.chunk.postings[ns].termOf.view(), (id) => of[id]);
  }

  /**
   * Writes segment `name`'s files (all but the store, already written by the
   * caller) into `dir` from the current chunk, and returns its manifest entry.
   */
  writeSegment(dir: string, name: string, store: StoredDocuments): SegmentEntry {
    const file = (f: Parameters<typeof segmentFile>[1]) => segmentFile(name, f);
    const files: Record<string, FileRecord> = { ...store.files };
    const s = this.chunk.postings.stems.layout();
    const n = this.chunk.postings.norms.layout();
    const r = this.chunk.postings.roots.layout();
    // Surface-form and root lists identical to a stem's list point at the stem's bytes.
    const sharing = PostingsSharing.of(s.lists);
    const nPlaced = sharing.place(n.lists, s.lists, s.lists.bytes.length);
    const rPlaced = sharing.place(r.lists, s.lists, s.lists.bytes.length + nPlaced.bytes.length);
    files[file('postings')] = writeWhole(dir, file('postings'), Buffer.concat([s.lists.bytes, nPlaced.bytes, rPlaced.bytes]));
    files[file('positions')] = writeWhole(dir, file('positions'), s.positions!.bytes);
    return writeSegmentFiles(dir, name, {
      stems: { terms: this.localTerms('stems'), df: s.df, start: s.lists.start, end: s.lists.end, posStart: s.positions!.start, posEnd: s.positions!.end },
      norms: { terms: this.localTerms('norms'), df: n.df, start: nPlaced.start, end: nPlaced.end, display: this.localTerms('norms', this.dictionaries.norms.display) },
      roots: { terms: this.localTerms('roots'), df: r.df, start: rPlaced.start, end: rPlaced.end },
      documents: { ...this.chunk.documents(), storeOffset: store.offsets, storeCrc: store.crcs },
      files,
    });
  }

  /**
   * Ends the current chunk: returns it with its terms (and the dictionary
   * terms not reported before, reported now), and starts the next one.
   */
  endChunk(): { chunk: Chunk; terms: Record<NamespaceName, ChunkTerms> } {
    const chunk = this.chunk;
    const report = (ns: NamespaceName): ChunkTerms => {
      const dictionary = this.dictionaries[ns];
      const firstNew = this.reported[ns];
      this.reported[ns] = dictionary.size;
      return {
        ids: chunk.postings[ns].termOf.toArray(),
        firstNew,
        added: dictionary.terms.slice(firstNew),
        display: ns === 'norms' ? dictionary.display.slice(firstNew) : undefined,
      };
    };
    const terms = { stems: report('stems'), norms: report('norms'), roots: report('roots') };
    for (const ns of NAMESPACES) chunk.postings[ns].end();
    this.chunk = this.spare.pop() ?? new Chunk(this.numbers);
    return { chunk, terms };
  }

  /** Gives back a chunk ended earlier, once written: its storage serves a later one. */
  release(chunk: Chunk): void {
    chunk.reset();
    this.spare.push(chunk);
  }
}

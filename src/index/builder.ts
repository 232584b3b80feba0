/**
 * The in-memory side of writing a segment: documents in, the segment's files
 * out. Each word of a title or text is read through the analyzer's scan and
 * counted under three terms (stem, exact surface form, root), its stem's
 * position recorded; per document, the counts become postings. `writeSegment`
 * lays everything out on disk (postings, positions, lexicon, display
 * spellings, ids, arrays) beside the store the caller wrote.
 */
import type { Analyzer, Word } from '../analysis/pipeline.js';
import { displayForm } from '../analysis/normalize.js';
import { Growable, ensureIndex } from '../common/growable.js';
import type { Document } from '../ingest/document.js';
import { compactOffsets, packArrays } from './arrays.js';
import { parseDate, NO_DATE } from './dates.js';
import { writeWhole } from './files.js';
import { segmentFile, type FileRecord, type SegmentEntry } from './format.js';
import { lexiconLines, lexiconOrder } from './lexicon.js';
import { FIELD_GAP, JUMP_WORDS, PositionsWriter } from './positions.js';
import { SNIPPET_SCAN_CHARACTERS } from '../common/limits.js';
import { layoutPostings, packFrequencies, PostingsSharing, type PostingLists } from './postings.js';

const TITLE = 0;
const TEXT = 1;
type Field = typeof TITLE | typeof TEXT;

/** A namespace once laid out: postings in insertion order, lexicon arrays in sorted order. */
interface FinishedNamespace extends PostingLists {
  order: number[];
  df: Uint32Array;
  /** Positions (stems only): the file and each term's range, in lexicon order. */
  positions?: { bytes: Buffer; start: Float64Array; end: Float64Array };
}

/** Accumulates the postings of one term namespace (stems, surface forms or roots) in document order. */
class Namespace {
  private readonly ids = new Map<string, number>();
  readonly terms: string[] = [];
  private readonly df = new Growable(Uint32Array);
  /** Readable spelling of each term (surface forms only): the first spelling seen. */
  readonly display: string[] = [];
  private readonly postTerm = new Growable(Uint32Array, 1 << 16);
  private readonly postFreq = new Growable(Uint8Array, 1 << 16);
  /** postTerm index where each document's postings begin (plus the end). */
  private readonly docStart = new Growable(Uint32Array);
  /** Per-term frequencies of the document being added, by field, and the terms it touched. */
  private tfTitle = new Uint16Array(1024);
  private tfText = new Uint16Array(1024);
  private readonly touched: number[] = [];

  constructor(private readonly positions?: PositionsWriter) {}

  /** The id of `term`; new terms are numbered in order of first appearance. */
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

  /** Counts one occurrence of term `id` in `field`, at word `position` of the document. */
  count(id: number, field: Field, position: number): void {
    this.positions?.add(id, position);
    if (id >= this.tfTitle.length) {
      this.tfTitle = ensureIndex(this.tfTitle, id);
      this.tfText = ensureIndex(this.tfText, id);
    }
    if (this.tfTitle[id] === 0 && this.tfText[id] === 0) this.touched.push(id);
    const tf = field === TITLE ? this.tfTitle : this.tfText;
    if (tf[id] < 0xffff) tf[id]++;
  }

  /** Turns the counts of the current document into its postings. */
  endDocument(): void {
    this.docStart.push(this.postTerm.length);
    const first = this.postFreq.length;
    const df = this.df.view();
    for (const t of this.touched) {
      this.postTerm.push(t);
      this.postFreq.push(packFrequencies(this.tfTitle[t], this.tfText[t]));
      df[t]++;
      this.tfTitle[t] = 0;
      this.tfText[t] = 0;
    }
    this.positions?.endDocument(this.touched, this.postFreq.raw.subarray(first, this.postFreq.length));
    this.touched.length = 0;
  }

  /** The postings term by term and the lexicon's order. */
  finish(): FinishedNamespace {
    this.docStart.push(this.postTerm.length);
    const lists = layoutPostings(this.terms.length, this.docStart.view(), this.postTerm.view(), this.postFreq.view());
    const order = lexiconOrder(this.terms);
    const df = this.df.view();
    const pos = this.positions?.layout(this.terms.length, this.postTerm.view());
    return {
      order,
      start: Float64Array.from(order, (t) => lists.start[t]),
      end: Float64Array.from(order, (t) => lists.end[t]),
      df: Uint32Array.from(order, (t) => df[t]),
      bytes: lists.bytes,
      positions: pos && { bytes: pos.bytes, start: Float64Array.from(order, (t) => pos.start[t]), end: Float64Array.from(order, (t) => pos.end[t]) },
    };
  }
}

/** Where the caller stored the documents: the store's files, each document's offset and checksum. */
export interface StoredDocuments {
  files: Record<string, FileRecord>;
  offsets: Float64Array;
  crcs: Uint32Array;
}

export class IndexBuilder {
  private readonly stems = new Namespace(new PositionsWriter());
  private readonly norms = new Namespace();
  private readonly roots = new Namespace();
  private readonly ids: string[] = [];
  private readonly titleLength = new Growable(Uint32Array);
  private readonly textLength = new Growable(Uint32Array);
  private readonly sourceOf = new Growable(Uint32Array);
  private readonly dateOf = new Growable(Int32Array);
  private readonly sources = new Map<string, number>([['', 0]]);
  private titleTotal = 0;
  private textTotal = 0;
  /** Jumps into long texts (JUMP_WORDS): documents, where each one's begin, positions and offsets. */
  private readonly jumpDoc = new Growable(Uint32Array, 16);
  private readonly jumpFirst = new Growable(Uint32Array, 16);
  private readonly jumpPosition = new Growable(Uint32Array, 256);
  private readonly jumpOffset = new Growable(Uint32Array, 256);

  /**
   * Term ids of the analyzer's words, by word entry: an offset into `forms`,
   * which holds [n, readings, (reading, stem, norm, root) × n] for the n
   * non-stop readings of the word's `readings` (n = 0 for stop words), or -1
   * until the word is first met in this build. Entry numbers keep their
   * meaning while the analyzer's epoch is unchanged.
   */
  private entryForms = new Int32Array(1 << 16).fill(-1);
  private readonly forms = new Growable(Int32Array, 1 << 16);
  private epoch = -1;

  constructor(readonly analyzer: Analyzer) {}

  get count(): number {
    return this.ids.length;
  }

  private learn(w: Word): number {
    const at = this.forms.length;
    let n = 0;
    this.forms.push(0);
    this.forms.push(w.readings);
    const several = w.readings > 1;
    for (let i = 0; i < w.readings; i++) {
      if (w.isStop(i)) continue;
      this.forms.push(i);
      this.forms.push(this.stems.idOf(w.stem(i)));
      const norm = this.norms.idOf(w.norm(i));
      if (norm === this.norms.display.length) this.norms.display.push(several ? w.norm(i) : displayForm(w.surface));
      this.forms.push(norm);
      this.forms.push(this.roots.idOf(w.root(i)));
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
    let length = 0;
    let nextJump = jumps ? position : Infinity;
    this.analyzer.scan(text, (start, _end, w) => {
      if (position >= nextJump) {
        this.jumpPosition.push(position);
        this.jumpOffset.push(start);
        nextJump = position - (position % JUMP_WORDS) + JUMP_WORDS;
      }
      const known = w.entry < this.entryForms.length ? this.entryForms[w.entry] : -1;
      const at = known >= 0 ? known : this.learn(w);
      const forms = this.forms.raw;
      const n = forms[at];
      for (let i = 0, p = at + 2; i < n; i++, p += 4) {
        const pos = position + forms[p];
        this.stems.count(forms[p + 1], field, pos);
        this.norms.count(forms[p + 2], field, pos);
        this.roots.count(forms[p + 3], field, pos);
      }
      position += forms[at + 1];
      length += n;
    });
    return [length, position];
  }

  add(doc: Document): void {
    const jumps = doc.text.length > SNIPPET_SCAN_CHARACTERS;
    if (jumps) {
      this.jumpDoc.push(this.ids.length);
      this.jumpFirst.push(this.jumpPosition.length);
    }
    const [textLength, afterText] = this.scan(doc.text, TEXT, 0, jumps);
    if (jumps) {
      // The last jump: the text's word count and length, where the title's positions begin to be past.
      this.jumpPosition.push(afterText);
      this.jumpOffset.push(doc.text.length);
    }
    const [titleLength] = this.scan(doc.title, TITLE, afterText + FIELD_GAP);
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

  /**
   * Writes segment `name`'s files (all but the store, already written by the
   * caller) into `dir`, and returns its manifest entry.
   */
  writeSegment(dir: string, name: string, store: StoredDocuments): SegmentEntry {
    const file = (f: Parameters<typeof segmentFile>[1]) => segmentFile(name, f);
    const files: Record<string, FileRecord> = { ...store.files };
    const s = this.stems.finish();
    const n = this.norms.finish();
    const r = this.roots.finish();
    // Surface-form and root lists identical to a stem's list point at the stem's bytes.
    const sharing = new PostingsSharing(s);
    const nPlaced = sharing.place(n, s.bytes.length);
    const rPlaced = sharing.place(r, s.bytes.length + nPlaced.bytes.length);
    files[file('postings')] = writeWhole(dir, file('postings'), Buffer.concat([s.bytes, nPlaced.bytes, rPlaced.bytes]));
    files[file('positions')] = writeWhole(dir, file('positions'), s.positions!.bytes);
    const lexicon = lexiconLines(this.stems.terms, s.order) + lexiconLines(this.norms.terms, n.order) + lexiconLines(this.roots.terms, r.order);
    files[file('lexicon')] = writeWhole(dir, file('lexicon'), lexicon);
    // An empty line: the readable spelling is the surface form itself.
    const display = (t: number) => (this.norms.display[t] === this.norms.terms[t] ? '' : this.norms.display[t]);
    files[file('display')] = writeWhole(dir, file('display'), n.order.map((t) => display(t) + '\n').join(''));
    files[file('ids')] = writeWhole(dir, file('ids'), JSON.stringify(this.ids));
    const { buffer, entries } = packArrays({
      stemDf: s.df,
      stemStart: compactOffsets(s.start),
      stemEnd: compactOffsets(s.end),
      stemPosStart: compactOffsets(s.positions!.start),
      stemPosEnd: compactOffsets(s.positions!.end),
      normDf: n.df,
      normStart: compactOffsets(nPlaced.start),
      normEnd: compactOffsets(nPlaced.end),
      rootDf: r.df,
      rootStart: compactOffsets(rPlaced.start),
      rootEnd: compactOffsets(rPlaced.end),
      titleLength: this.titleLength.toArray(),
      textLength: this.textLength.toArray(),
      source: this.sourceOf.toArray(),
      date: this.dateOf.toArray(),
      storeOffset: store.offsets,
      storeCrc: store.crcs,
      jumpDoc: this.jumpDoc.toArray(),
      jumpFirst: Uint32Array.from([...this.jumpFirst.view(), this.jumpPosition.length]),
      jumpPosition: this.jumpPosition.toArray(),
      jumpOffset: this.jumpOffset.toArray(),
    });
    files[file('arrays')] = writeWhole(dir, file('arrays'), buffer);
    return {
      name,
      documents: this.count,
      stemTerms: s.order.length,
      normTerms: n.order.length,
      rootTerms: r.order.length,
      titleWords: this.titleTotal,
      textWords: this.textTotal,
      sources: [...this.sources.keys()],
      arrays: entries,
      files,
      deletes: null,
    };
  }
}

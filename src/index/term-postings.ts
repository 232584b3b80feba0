/**
 * The terms of one namespace (stems, surface forms or roots) and their
 * postings while documents are added. A `TermDictionary` numbers every term
 * a builder meets, for its whole life; `NamespacePostings` collects the
 * postings of the documents added since its last reset (a segment, or one
 * chunk of a parallel build) under chunk-local numbers given in order of
 * first appearance in the chunk, and lays them out term by term.
 */
import { Growable, ensureIndex } from '../common/growable.js';
import { PositionsWriter } from './positions.js';
import { layoutPostings, ListSizes, packFrequencies, type LaidOutPostings } from './postings.js';

export const TITLE = 0;
export const TEXT = 1;
export type Field = typeof TITLE | typeof TEXT;


/**
 * The local terms `[0, size)` in increasing order of `global[t]` (ties in
 * local order): a counting sort, linear in the terms and the largest global
 * number, which stays near the build's dictionary size.
 */
export function orderBy(global: Int32Array, size: number): Uint32Array {
  let max = -1;
  for (let t = 0; t < size; t++) if (global[t] > max) max = global[t];
  const at = new Uint32Array(max + 2);
  for (let t = 0; t < size; t++) at[global[t] + 1]++;
  for (let g = 1; g < at.length; g++) at[g] += at[g - 1];
  const order = new Uint32Array(size);
  for (let t = 0; t < size; t++) order[at[global[t]]++] = t;
  return order;
}

/** Every term met, numbered from 0 in order of first appearance. */
export class TermDictionary {
  private readonly ids = new Map<string, number>();
  readonly terms: string[] = [];
  /** Readable spelling of each term (surface forms only): the first spelling seen. */
  readonly display: string[] = [];

  get size(): number {
    return this.terms.length;
  }

  /** The id of `term`; new terms are numbered in order of first appearance. */
  idOf(term: string): number {
    let id = this.ids.get(term);
    if (id === undefined) {
      id = this.terms.length;
      this.ids.set(term, id);
      this.terms.push(term);
    }
    return id;
  }
}

/** A namespace's postings laid out: the lists (by local term), each term's document frequency, and positions (stems). */
export interface NamespaceLayout {
  lists: LaidOutPostings;
  df: Uint32Array;
  positions?: { bytes: Buffer; start: Float64Array; end: Float64Array };
}

/**
 * Local number of each dictionary term in the chunk being filled, -1 where it
 * has not occurred: one table per namespace, shared by the chunks of a builder
 * (one is filled at a time), emptied again as each chunk ends.
 */
export class LocalNumbers {
  localOf = new Int32Array(1024).fill(-1);
}

/** Accumulates the postings of one namespace in document order. */
export class NamespacePostings {
  /** Dictionary id of each local term. */
  readonly termOf = new Growable(Uint32Array, 1 << 12);
  private readonly df = new Growable(Uint32Array, 1 << 12);
  private readonly postTerm = new Growable(Uint32Array, 1 << 16);
  private readonly postFreq = new Growable(Uint8Array, 1 << 16);
  /** postTerm index where each document's postings begin (plus the end, once laid out). */
  private readonly docStart = new Growable(Uint32Array);
  /** Per-term frequencies of the document being added, by field, and the terms it touched. */
  private tfTitle = new Uint16Array(1024);
  private tfText = new Uint16Array(1024);
  private readonly touched: number[] = [];
  private readonly sizes = new ListSizes();

  constructor(
    private readonly numbers: LocalNumbers,
    private readonly positions?: PositionsWriter,
  ) {}

  /** Terms that occurred since the last reset. */
  get size(): number {
    return this.termOf.length;
  }

  /** Counts one occurrence of dictionary term `id` in `field`, at word `position` of the document. */
  count(id: number, field: Field, position: number): void {
    const n = this.numbers;
    if (id >= n.localOf.length) n.localOf = ensureIndex(n.localOf, id, -1);
    let t = n.localOf[id];
    if (t < 0) {
      t = n.localOf[id] = this.termOf.length;
      this.termOf.push(id);
      this.df.push(0);
      if (t >= this.tfTitle.length) {
        this.tfTitle = ensureIndex(this.tfTitle, t);
        this.tfText = ensureIndex(this.tfText, t);
      }
      this.sizes.ensure(t);
    }
    this.positions?.add(t, position);
    if (this.tfTitle[t] === 0 && this.tfText[t] === 0) this.touched.push(t);
    const tf = field === TITLE ? this.tfTitle : this.tfText;
    if (tf[t] < 0xffff) tf[t]++;
  }

  /** Turns the counts of the current document into its postings. */
  endDocument(): void {
    const d = this.docStart.length;
    this.docStart.push(this.postTerm.length);
    const first = this.postFreq.length;
    const df = this.df.raw;
    const sizes = this.sizes;
    for (const t of this.touched) {
      const freq = packFrequencies(this.tfTitle[t], this.tfText[t]);
      this.postTerm.push(t);
      this.postFreq.push(freq);
      sizes.add(t, d, freq);
      df[t]++;
      this.tfTitle[t] = 0;
      this.tfText[t] = 0;
    }
    this.positions?.endDocument(this.touched, this.postFreq.raw.subarray(first, this.postFreq.length));
    this.touched.length = 0;
  }

  /** The postings (and positions) term by term, the lists in `order` of local terms (by default, local order). */
  layout(order?: ArrayLike<number>): NamespaceLayout {
    const starts = new Uint32Array(this.docStart.length + 1);
    starts.set(this.docStart.view());
    starts[this.docStart.length] = this.postTerm.length;
    const lists = layoutPostings(this.size, starts, this.postTerm.view(), this.postFreq.view(), order, this.sizes);
    const positions = this.positions?.layout(this.size, this.postTerm.view(), order);
    return { lists, df: this.df.toArray(), positions };
  }

  /** The layout with the lists in increasing order of `global[t]` over local terms t, and that order. */
  layoutBy(global: Int32Array): NamespaceLayout & { order: Uint32Array } {
    const order = orderBy(global, this.size);
    return { ...this.layout(order), order };
  }

  /** Ends the chunk: its terms' local numbers are given up, for the next chunk to number its own. */
  end(): void {
    const ids = this.termOf.raw;
    const { localOf } = this.numbers;
    for (let t = 0; t < this.termOf.length; t++) localOf[ids[t]] = -1;
  }

  /** Forgets the documents added (after `end`), for reuse. */
  reset(): void {
    this.sizes.clear(this.termOf.length);
    this.termOf.clear();
    this.df.clear();
    this.postTerm.clear();
    this.postFreq.clear();
    this.docStart.clear();
    this.positions?.clear();
  }
}

/**
 * Opens a persisted index: reads and verifies the live generation's manifest,
 * opens its segments (or reuses those a previous reader already opened) and
 * their deletions, and presents them as one index. Every failure becomes one
 * IndexError whose message says what is wrong and what to do.
 *
 * Documents are numbered across segments in segment order (a segment's
 * documents from its `base`), which is the order they were last written in:
 * ranking breaks ties by this number, as a fresh build of the same documents
 * in that order would. Statistics are global and count live documents only —
 * document count, average field lengths, document frequencies — so scores
 * are exactly those of a fresh build.
 */
import { basename } from 'node:path';
import { Growable } from '../common/growable.js';
import { Analyzer, ANALYZER_VERSION } from '../analysis/pipeline.js';
import type { Document } from '../ingest/document.js';
import { IndexError, REBUILD } from './errors.js';
import { FORMAT_VERSION, type Manifest, type SegmentEntry } from './format.js';
import { currentName } from './generations.js';
import { readManifest, verifyManifest } from './manifest.js';
import type { PositionReader } from './positions.js';
import type { PostingCursor } from './postings.js';
import { identityOf, NAMESPACES, openSegment, readDeletes, type Namespace, type SegmentReader } from './segment.js';
import { settingsHash } from './settings.js';

export { IndexError } from './errors.js';
export { readManifest } from './manifest.js';
export type { Namespace } from './segment.js';

/** One segment as this index sees it. */
export class SegmentView {
  /** Documents of the segment that are deleted. */
  readonly deletedCount: number;
  /** Per namespace, documents holding a term that are deleted (only counted for segments with deletions). */
  private readonly deletedDf = new Map<string, number>();
  readonly cursor: PostingCursor;

  constructor(
    readonly reader: SegmentReader,
    /** The segment as this generation's manifest lists it (its deletions are this generation's). */
    readonly entry: SegmentEntry,
    /** Number of the segment's first document in the index. */
    readonly base: number,
    /** Deletion bitmap (bit set: deleted), or undefined when nothing is deleted. */
    readonly deletes: Uint8Array | undefined,
  ) {
    let n = 0;
    if (deletes) for (let d = 0; d < reader.documents; d++) n += (deletes[d >> 3] >> (d & 7)) & 1;
    this.deletedCount = n;
    this.cursor = reader.cursor();
  }

  isDeleted(local: number): boolean {
    return this.deletes !== undefined && ((this.deletes[local >> 3] >> (local & 7)) & 1) === 1;
  }

  /** Live documents of this segment holding term `id` of namespace `ns`. */
  liveDf(ns: Namespace, id: number): number {
    const lex = this.reader.lexicon(ns);
    if (this.deletedCount === 0) return lex.df[id];
    const key = `${ns}\u0000${id}`;
    let dead = this.deletedDf.get(key);
    if (dead === undefined) {
      dead = 0;
      const c = this.cursor.reset(lex.start[id], lex.end[id]);
      while (c.next()) if (this.isDeleted(c.doc)) dead++;
      this.deletedDf.set(key, dead);
    }
    return lex.df[id] - dead;
  }
}

/** A term's posting list in one segment. */
interface TermList {
  segment: SegmentView;
  /** The term's id in the segment's lexicon. */
  id: number;
}

/** A term's postings in one segment, ready to read: `cursor.reset(start, end)`, documents from `base`. */
export interface PostingList {
  cursor: PostingCursor;
  start: number;
  end: number;
  /** Add to the cursor's document numbers for the index's. */
  base: number;
  /** Live documents of this segment in the list. */
  df: number;
  /** Postings in the list, deleted documents' included: the work of reading it. */
  postings: number;
}

/** A stem's postings and positions in one segment. */
export interface PositionList extends PostingList {
  positions: PositionReader;
  positionStart: number;
  positionEnd: number;
}

/** A term of the index with its live document frequency. */
export interface TermCount {
  term: string;
  df: number;
}

/** Per-document columns of the whole index, by global document number. */
export interface DocumentColumns {
  titleLength: Uint32Array;
  textLength: Uint32Array;
  /** The index's source number (see `sources`). */
  source: Uint32Array;
  date: Int32Array;
}

export class IndexReader {
  /** Document numbers in use, deleted ones included. */
  readonly size: number;
  /** Live documents. */
  readonly documents: number;
  readonly arrays: DocumentColumns;
  /** One byte per document number: 1 when deleted; undefined when nothing is. */
  readonly deleted: Uint8Array | undefined;
  /** Source names by the index's source number; number 0 is "no source" (''). */
  readonly sources: readonly string[];
  readonly avgTitleLength: number;
  readonly avgTextLength: number;
  private readonly bases: Int32Array;
  private distinctStems: number | undefined;
  private refs = 1;

  constructor(
    readonly dir: string,
    /** The generation folder's name (what CURRENT named when the index was opened). */
    readonly generation: string,
    readonly manifest: Manifest,
    readonly segments: readonly SegmentView[],
  ) {
    const size = segments.reduce((a, s) => a + s.reader.documents, 0);
    this.size = size;
    this.bases = Int32Array.from(segments, (s) => s.base);
    const sourceIds = new Map<string, number>([['', 0]]);
    const arrays: DocumentColumns = { titleLength: new Uint32Array(size), textLength: new Uint32Array(size), source: new Uint32Array(size), date: new Int32Array(size) };
    let deleted: Uint8Array | undefined;
    let live = 0;
    let titleWords = 0;
    let textWords = 0;
    for (const seg of segments) {
      const a = seg.reader.arrays;
      const map = seg.reader.entry.sources.map((name) => {
        let id = sourceIds.get(name);
        if (id === undefined) sourceIds.set(name, (id = sourceIds.size));
        return id;
      });
      arrays.titleLength.set(a.titleLength, seg.base);
      arrays.textLength.set(a.textLength, seg.base);
      arrays.date.set(a.date, seg.base);
      for (let d = 0; d < seg.reader.documents; d++) arrays.source[seg.base + d] = map[a.source[d]];
      live += seg.reader.documents - seg.deletedCount;
      titleWords += seg.reader.entry.titleWords;
      textWords += seg.reader.entry.textWords;
      if (seg.deletedCount) {
        deleted ??= new Uint8Array(size);
        for (let d = 0; d < seg.reader.documents; d++) {
          if (seg.isDeleted(d)) {
            deleted[seg.base + d] = 1;
            titleWords -= a.titleLength[d];
            textWords -= a.textLength[d];
          }
        }
      }
    }
    this.documents = live;
    this.arrays = arrays;
    this.deleted = deleted;
    this.sources = [...sourceIds.keys()];
    // Integer sums over live documents, divided once: the same figures a fresh build computes.
    this.avgTitleLength = titleWords / Math.max(1, live);
    this.avgTextLength = textWords / Math.max(1, live);
  }

  /** The segment holding document `doc`, and the document's number within it. */
  locate(doc: number): { segment: SegmentView; local: number } {
    let lo = 0;
    let hi = this.bases.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.bases[mid] <= doc) lo = mid;
      else hi = mid - 1;
    }
    const segment = this.segments[lo];
    return { segment, local: doc - segment.base };
  }

  /** The number of the live document with external id `id`. */
  docOf(id: string): number | undefined {
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const s = this.segments[i];
      const local = s.reader.docOf(id);
      if (local !== undefined && !s.isDeleted(local)) return s.base + local;
    }
    return undefined;
  }

  /** External id of document `doc`. */
  idOf(doc: number): string {
    const { segment, local } = this.locate(doc);
    return segment.reader.ids[local];
  }

  /** Stored document `doc`; throws DamagedRecordError when its record is damaged. */
  read(doc: number): Document {
    const { segment, local } = this.locate(doc);
    return segment.reader.read(local);
  }

  /** The jumps into document `doc`'s text (see JUMP_WORDS), or undefined when its text is short or the index has none. */
  textJumps(doc: number): { positions: Uint32Array; offsets: Uint32Array } | undefined {
    const { segment, local } = this.locate(doc);
    return segment.reader.jumps(local);
  }

  /**
   * The positions of stem `stem` in document `doc`, ascending (the text's
   * from 0, the title's past them: positions.ts); empty when it has none.
   * Walks the stem's postings up to the document: for the few documents of a
   * page, not for whole result sets.
   */
  positionsOf(doc: number, stem: string): number[] {
    const { segment, local } = this.locate(doc);
    const r = segment.reader;
    const id = r.stems.id(stem);
    if (id < 0) return [];
    const cursor = r.cursor().reset(r.arrays.stemStart[id], r.arrays.stemEnd[id]);
    const positions = r.positionReader().reset(r.arrays.stemPosStart[id], r.arrays.stemPosEnd[id]);
    while (cursor.next() && positions.next(cursor.freq)) {
      if (cursor.doc < local) continue;
      if (cursor.doc > local) break;
      const out = new Growable(Int32Array, 16);
      positions.read(out);
      return Array.from(out.view());
    }
    return [];
  }

  /** The posting lists of `term` in namespace `ns`, one per segment holding it, in segment order. */
  postingLists(ns: Namespace, term: string): PostingList[] {
    return this.lists(ns, term).map(({ segment, id }) => {
      const lex = segment.reader.lexicon(ns);
      return { cursor: segment.cursor, start: lex.start[id], end: lex.end[id], base: segment.base, df: segment.liveDf(ns, id), postings: lex.df[id] };
    });
  }

  /** The posting lists of stem `stem` with its positions, one per segment holding it. */
  positionLists(stem: string): PositionList[] {
    return this.lists('stems', stem).map(({ segment, id }) => {
      const a = segment.reader.arrays;
      return {
        cursor: segment.reader.cursor(),
        start: a.stemStart[id],
        end: a.stemEnd[id],
        base: segment.base,
        df: segment.liveDf('stems', id),
        postings: segment.reader.stems.df[id],
        positions: segment.reader.positionReader(),
        positionStart: a.stemPosStart[id],
        positionEnd: a.stemPosEnd[id],
      };
    });
  }

  /** The segments holding `term` in namespace `ns`, with its id in each. */
  private lists(ns: Namespace, term: string): TermList[] {
    const out: TermList[] = [];
    for (const segment of this.segments) {
      const id = segment.reader.lexicon(ns).id(term);
      if (id >= 0) out.push({ segment, id });
    }
    return out;
  }

  /** Live documents holding `term`. */
  df(ns: Namespace, term: string): number {
    return dfOf(ns, this.lists(ns, term));
  }

  /**
   * The `limit` terms starting with `prefix` held by the most live documents,
   * most first (ties in term order).
   */
  topByPrefix(ns: Namespace, prefix: string, limit: number): TermCount[] {
    if (this.segments.length === 1 && this.segments[0].deletedCount === 0) {
      const lex = this.segments[0].reader.lexicon(ns);
      return lex.topByPrefix(prefix, limit).map((id) => ({ term: lex.terms[id], df: lex.df[id] }));
    }
    const counts = new Map<string, number>();
    for (const s of this.segments) {
      const lex = s.reader.lexicon(ns);
      const [lo, hi] = lex.prefixRange(prefix);
      for (let id = lo; id < hi; id++) counts.set(lex.terms[id], (counts.get(lex.terms[id]) ?? 0) + s.liveDf(ns, id));
    }
    return [...counts]
      .filter(([, df]) => df > 0)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, limit)
      .map(([term, df]) => ({ term, df }));
  }

  /** Terms within `maxEdits` edits of `word` that live documents hold, with their distance. */
  fuzzy(ns: Namespace, word: string, maxEdits: number): (TermCount & { distance: number })[] {
    const found = new Map<string, number>();
    for (const s of this.segments) for (const [id, distance] of s.reader.lexicon(ns).fuzzy(word, maxEdits)) found.set(s.reader.lexicon(ns).terms[id], distance);
    const out: (TermCount & { distance: number })[] = [];
    for (const [term, distance] of found) {
      const df = this.df(ns, term);
      if (df > 0) out.push({ term, df, distance });
    }
    return out;
  }

  /** How a term reads best: the spelling recorded by the first segment whose live documents hold it. */
  readable(ns: Namespace, term: string): string {
    for (const { segment, id } of this.lists(ns, term)) if (segment.liveDf(ns, id) > 0) return segment.reader.lexicon(ns).readable(id);
    return term;
  }

  /** Distinct stems across segments (computed once). */
  get stemCount(): number {
    if (this.distinctStems === undefined) {
      if (this.segments.length === 1) this.distinctStems = this.segments[0].reader.stems.size;
      else {
        const all = new Set<string>();
        for (const s of this.segments) for (const t of s.reader.stems.terms) all.add(t);
        this.distinctStems = all.size;
      }
    }
    return this.distinctStems;
  }

  /** Another user of this index (a writer keeping it to reuse its segments): each closes it once. */
  retain(): this {
    this.refs++;
    return this;
  }

  /** Releases this user's hold; the last one releases the segments. */
  close(): void {
    if (this.refs > 0 && --this.refs === 0) for (const s of this.segments) s.reader.release();
  }
}

function dfOf(ns: Namespace, lists: readonly TermList[]): number {
  let df = 0;
  for (const l of lists) df += l.segment.liveDf(ns, l.id);
  return df;
}

export interface OpenOptions {
  analyzer?: Analyzer;
  /** An index of the same folder opened before: its segments still in the new generation are reused, not read again. */
  previous?: IndexReader;
}

/** Times an open starts again because a writer replaced the generation it was reading. */
const OPEN_RETRIES = 3;

/**
 * Opens the live generation of index folder `dir`. A writer that commits
 * while the index is being opened removes the generation being read: the
 * open then starts again on the new one, so a reader never fails for it.
 */
export async function openIndexReader(dir: string, options: OpenOptions | Analyzer = {}): Promise<IndexReader> {
  for (let attempt = 0; ; attempt++) {
    const before = currentName(dir);
    try {
      return await openGeneration(dir, options);
    } catch (e) {
      if (attempt < OPEN_RETRIES && e instanceof IndexError && currentName(dir) !== before) continue;
      throw e;
    }
  }
}

async function openGeneration(dir: string, options: OpenOptions | Analyzer): Promise<IndexReader> {
  const { analyzer = new Analyzer(), previous } = options instanceof Analyzer ? { analyzer: options } : options;
  const { genDir, manifest } = readManifest(dir);
  if (manifest.format !== FORMAT_VERSION) {
    throw new IndexError(`index at ${dir} has format ${manifest.format}, this fahras reads format ${FORMAT_VERSION}; ${REBUILD}`);
  }
  verifyManifest(dir, manifest);
  if (manifest.analyzerVersion !== ANALYZER_VERSION) {
    throw new IndexError(`index at ${dir} was built by analyzer ${manifest.analyzerVersion}, this is ${ANALYZER_VERSION}; ${REBUILD}`);
  }
  if (manifest.settingsHash !== settingsHash(analyzer)) {
    throw new IndexError(`index at ${dir} was built with other analysis settings (${manifest.settingsHash}); ${REBUILD}`);
  }
  const reusable = new Map(previous?.segments.map((s) => [s.reader.identity, s.reader]) ?? []);
  const opened: SegmentReader[] = [];
  try {
    const views: SegmentView[] = [];
    let base = 0;
    for (const entry of manifest.segments) {
      const reader = reusable.get(identityOf(entry))?.retain() ?? (await openSegment(dir, genDir, entry));
      opened.push(reader);
      views.push(new SegmentView(reader, entry, base, await readDeletes(dir, genDir, entry)));
      base += reader.documents;
    }
    const index = new IndexReader(dir, basename(genDir), manifest, views);
    if (index.documents !== manifest.documents) throw new IndexError(`index at ${dir} is damaged: its segments hold ${index.documents} live documents, the manifest says ${manifest.documents}; ${REBUILD}`);
    return index;
  } catch (e) {
    for (const r of opened) r.release();
    if (e instanceof IndexError) throw e;
    throw new IndexError(`index at ${dir} is damaged (${(e as Error).message}); ${REBUILD}`);
  }
}

export { NAMESPACES };

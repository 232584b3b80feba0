/**
 * Ranking: BM25F over title and text, term at a time, straight off the
 * compressed postings, in three steps:
 *
 *  - plan: each query word becomes weighted term clauses — its stem, a
 *    lighter share for its exact surface form (so an exact match outranks a
 *    stem-only one), its other readings and its root; each prefix its most
 *    frequent completions;
 *  - accumulate: each clause adds its contribution to every document in its
 *    postings, counting which required words a document holds;
 *  - collect: documents that hold every required word and pass the filters
 *    are counted by source (and on request by day) and the best k kept in a
 *    heap, by score or newest first.
 *
 * Work is proportional to the postings of the query's terms; accumulators are
 * reused across queries. Every word and prefix of a query is scored, however
 * many there are.
 */
import type { IndexReader, Namespace, PostingList } from '../index/open.js';
import { NO_DATE } from '../index/dates.js';
import { textFrequency, titleFrequency } from '../index/postings.js';
import { QueryError, type ParsedQuery, type QueryWord } from './query.js';
import type { SortOrder } from './types.js';

export interface RankParams {
  k1: number;
  bTitle: number;
  bText: number;
  /** Weight of a title occurrence relative to a text occurrence. */
  titleWeight: number;
  /** Weight of the exact surface-form match relative to the stem match. */
  normWeight: number;
  /** Weight of a match on another reading of the word (its first letter read as a proclitic). */
  alternateWeight: number;
  /** Weight of the root-level match relative to the stem match (0 leaves roots out). */
  rootWeight: number;
  /** Most expansions a `prefix*` item scores, the most frequent first. */
  maxPrefixExpansions: number;
}

export const DEFAULT_RANK_PARAMS: RankParams = {
  k1: 1.2,
  bTitle: 0.5,
  bText: 0.75,
  titleWeight: 2,
  normWeight: 0.3,
  rootWeight: 0.5,
  alternateWeight: 0.6,
  maxPrefixExpansions: 64,
};

export interface RankFilters {
  source?: number;
  fromDay?: number;
  toDay?: number;
}

export interface RankRequest {
  query: ParsedQuery;
  all: boolean;
  filters: RankFilters;
  /** How many of the best documents to return, in order. */
  k: number;
  /** Checks a phrase-bearing candidate against the document text. */
  verify?: (doc: number) => boolean;
  /** Postings the query may read (see WORK_BUDGET); `spent` were already read for it (phrases). */
  budget?: number;
  spent?: number;
  /** Order of the best k: by score (default), or by date, latest first, then by score. */
  sort?: SortOrder;
  /** Count the answer's documents by day (RankResult.dayCounts). */
  countDays?: boolean;
  /** Set to 1 for every document counted in `total`. */
  mark?: Uint8Array;
}

/**
 * Postings one query may read, about 20–40 ms of work on a small server: a
 * query that would read more is first narrowed (its costliest secondary terms
 * dropped: exact forms, roots, other readings, rarer prefix completions, and
 * the answer marked partial), then refused.
 */
export const WORK_BUDGET = 5_000_000;

/**
 * Most (day, source) pairs counted in one table per query (see
 * Ranker.facetCells): summing it must stay cheap beside the matches counted.
 */
const FACET_CELLS = 4096;

/** A query that would read more postings than one query may, even narrowed. */
export class QueryTooCostlyError extends QueryError {
  override name = 'QueryTooCostlyError';
}

export interface RankResult {
  /** Internal doc numbers of the best `k`, best first. */
  docs: number[];
  scores: number[];
  total: number;
  /** Matches per source number (the index of `sources`) over the matching set, source filter not applied. */
  sourceCounts: Uint32Array;
  /** With `countDays`: the documents counted in `total` by day, indexed like `Ranker.days()`. */
  dayCounts?: Uint32Array;
  /** Some terms of the query were left out to stay within its work budget. */
  partial: boolean;
}

/** Documents' days for counting by day (see Ranker.days). */
export interface DayIndex {
  days: Int32Array;
  /** Per document: the place of its day in `days`. */
  dayOf: Uint16Array | Uint32Array;
}

/** What Ranker.countWord counts. */
export interface WordCount {
  count: number;
  all: number;
  /** Postings read. */
  cost: number;
}

/**
 * The terms whose documents Ranker.countWord counts for `word`: its stem and
 * other readings, and its root when `withRoot` (for a word of one reading,
 * its root alone).
 */
export function wordCountTerms(word: QueryWord, withRoot: boolean): [Namespace, string][] {
  const terms: [Namespace, string][] = word.alternates.length === 0 ? [withRoot ? ['roots', word.root] : ['stems', word.stem]] : [word.stem, ...word.alternates].map((t) => ['stems', t]);
  if (withRoot && word.alternates.length) terms.push(['roots', word.root]);
  return terms;
}

export function idf(n: number, df: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

/** One term's share of a query: its postings, its weight, and the query item it stands for. */
interface Clause {
  lists: PostingList[];
  weight: number;
  /** Number of the required item (word or prefix) this clause counts for, or -1. */
  item: number;
  /** The query word or prefix it comes from. */
  group: number;
  /** A word's own stem: the last to be left out. */
  primary: boolean;
  /** Postings it reads. */
  cost: number;
}

/** A query resolved against the lexicons. */
interface Plan {
  clauses: Clause[];
  /** Required items a document must hold (words with mode=all or in a phrase; prefixes with mode=all). */
  required: number;
  /** Stems whose documents are excluded. */
  excluded: string[];
  /** Clauses were left out to stay within the budget. */
  partial: boolean;
}

/** What ranking reads of an index: posting lists and live statistics, per-document lengths, sources, dates and deletions. */
export type RankedIndex = Pick<IndexReader, 'size' | 'documents' | 'arrays' | 'deleted' | 'sources' | 'avgTitleLength' | 'avgTextLength' | 'postingLists' | 'topByPrefix' | 'df'>;

/** Reusable per-document scratch space, sized to the index. */
export class Ranker {
  /**
   * Each document's score so far in the query being ranked; 0 for documents
   * it has not reached (every contribution is positive), so no other mark is
   * read per posting. `collect` returns every touched document to 0.
   */
  private readonly acc: Float64Array;
  /** Required items held, and the last one counted, per document. */
  private readonly held: Uint16Array;
  private readonly lastItem: Int32Array;
  /** Documents already counted by countWord, by epoch. */
  private readonly stamp: Uint32Array;
  private readonly touched: Int32Array;
  private readonly titleNorm: Float32Array;
  private readonly textNorm: Float32Array;
  /** tf/(tf+k1) of one text occurrence and none in the title, per document. */
  private readonly plainScore: Float64Array;
  private epoch = 0;
  private nTouched = 0;
  private dayIndex: DayIndex | undefined;
  /** Made on first use (see facetCells); false when the cells are too many. */
  private cellOf: Uint16Array | false | undefined;

  constructor(
    private readonly index: RankedIndex,
    readonly params: RankParams = DEFAULT_RANK_PARAMS,
  ) {
    const n = index.size;
    this.acc = new Float64Array(n);
    this.held = new Uint16Array(n);
    this.lastItem = new Int32Array(n);
    this.stamp = new Uint32Array(n);
    this.plainScore = new Float64Array(n);
    this.touched = new Int32Array(n);
    this.titleNorm = new Float32Array(n);
    this.textNorm = new Float32Array(n);
    const { titleLength, textLength } = index.arrays;
    for (let d = 0; d < n; d++) {
      this.titleNorm[d] = 1 - params.bTitle + (params.bTitle * titleLength[d]) / Math.max(index.avgTitleLength, 1e-9);
      this.textNorm[d] = 1 - params.bText + (params.bText * textLength[d]) / Math.max(index.avgTextLength, 1e-9);
      const tf = 1 / this.textNorm[d];
      this.plainScore[d] = tf / (tf + params.k1);
    }
  }


  /**
   * The distinct days documents are dated, ascending, after NO_DATE at 0, and
   * each document's place in that list: counting by day is then an increment.
   * Made on first use (evaluation never asks for it).
   */
  days(): DayIndex {
    if (this.dayIndex) return this.dayIndex;
    const { date } = this.index.arrays;
    const n = this.index.size;
    const seen = new Set<number>();
    for (let d = 0; d < n; d++) if (date[d] !== NO_DATE) seen.add(date[d]);
    const days = Int32Array.from([NO_DATE, ...[...seen].sort((a, b) => a - b)]);
    const place = new Map<number, number>();
    days.forEach((day, i) => place.set(day, i));
    // Two bytes a document while the days are at most 65,536 (179 years of daily news).
    const dayOf = days.length <= 0x10000 ? new Uint16Array(n) : new Uint32Array(n);
    for (let d = 0; d < n; d++) dayOf[d] = place.get(date[d])!;
    this.dayIndex = { days, dayOf };
    return this.dayIndex;
  }

  rank(req: RankRequest): RankResult {
    this.nTouched = 0;
    try {
      const plan = this.plan(req.query, req.all);
      this.fitBudget(plan, (req.budget ?? Infinity) - (req.spent ?? 0));
      for (const c of plan.clauses) this.accumulate(c, plan.required > 0);
      return this.collect(plan, req);
    } catch (e) {
      // A query stopped half-way (a phrase check that throws) leaves no score behind for the next.
      this.clearTouched();
      throw e;
    }
  }

  private clearTouched(): void {
    const { acc, touched } = this;
    for (let i = 0; i < this.nTouched; i++) acc[touched[i]] = 0;
    this.nTouched = 0;
  }

  /**
   * Leaves out the costliest clauses until the plan reads at most `budget`
   * postings — secondary ones first, never a word's or prefix's last — or
   * refuses the query when that is not enough.
   */
  private fitBudget(plan: Plan, budget: number): void {
    let cost = plan.clauses.reduce((a, c) => a + c.cost, 0);
    for (const e of plan.excluded) for (const l of this.index.postingLists('stems', e)) cost += l.postings;
    if (cost <= budget) return;
    const left = new Map<number, number>();
    for (const c of plan.clauses) left.set(c.group, (left.get(c.group) ?? 0) + 1);
    const order = [...plan.clauses].sort((a, b) => Number(a.primary) - Number(b.primary) || b.cost - a.cost);
    const dropped = new Set<Clause>();
    for (const c of order) {
      if (cost <= budget) break;
      if (left.get(c.group)! <= 1) continue;
      left.set(c.group, left.get(c.group)! - 1);
      dropped.add(c);
      cost -= c.cost;
    }
    if (cost > budget) {
      throw new QueryTooCostlyError(`This query is too broad: it would read ${(cost / 1e6).toFixed(1)} million postings, and one query may read ${(budget / 1e6).toFixed(1)} million. Leave out common words, or add rarer ones.`);
    }
    plan.clauses = plan.clauses.filter((c) => !dropped.has(c));
    plan.partial = true;
  }

  /** The clauses of a query: which postings to score, with what weight, for which required item. */
  private plan(q: ParsedQuery, all: boolean): Plan {
    const p = this.params;
    const clauses: Clause[] = [];
    let group = 0;
    const add = (ns: Namespace, term: string, weight: number, item: number, primary = false) => {
      if (weight <= 0) return;
      const lists = this.index.postingLists(ns, term);
      let cost = 0;
      for (const l of lists) cost += l.postings;
      if (lists.length) clauses.push({ lists, weight, item, group, primary, cost });
    };
    // Phrase words are always required; plain words and prefixes only with mode=all.
    const inPhrase = q.phrases.length ? new Set(q.phrases.flatMap((ph) => ph.words.map((w) => w.stem))) : undefined;
    let required = 0;
    for (const w of q.words) {
      const item = all || inPhrase?.has(w.stem) ? required++ : -1;
      add('stems', w.stem, 1, item, true);
      add('norms', w.norm, p.normWeight, item);
      for (const alt of w.alternates) add('stems', alt, p.alternateWeight, item);
      add('roots', w.root, p.rootWeight, item);
      group++;
    }
    for (const prefix of q.prefixes) {
      const item = all ? required++ : -1;
      for (const t of this.index.topByPrefix('norms', prefix, p.maxPrefixExpansions)) add('norms', t.term, 1, item);
      group++;
    }
    return { clauses, required, excluded: q.excluded, partial: false };
  }

  /**
   * Adds one clause's BM25F contribution to every document in its postings,
   * segment by segment, weighted by the term's idf over the live documents
   * of the whole index. A single text occurrence, three postings in four,
   * takes its saturated score from a per-document table.
   */
  private accumulate(c: Clause, counting: boolean): void {
    let df = 0;
    for (const l of c.lists) df += l.df;
    if (df === 0) return;
    const w = c.weight * idf(this.index.documents, df) * (this.params.k1 + 1);
    for (const l of c.lists) this.accumulateList(l.cursor.buf, l.start, l.end, l.base, w, c.item, counting);
  }

  /** `counting`: the query has required items, so `held` and `lastItem` are kept (untouched otherwise). */
  private accumulateList(buf: Uint8Array, start: number, end: number, base: number, w: number, item: number, counting: boolean): void {
    const { k1, titleWeight } = this.params;
    const { acc, held, lastItem, touched, titleNorm, textNorm, plainScore } = this;
    let nTouched = this.nTouched;
    let doc = base - 1;
    for (let p = start; p < end; ) {
      // The posting codec (postings.ts), decoded here in locals: a varint of gap × 2 + has-frequency-byte, then the byte.
      let b = buf[p++];
      let v = b & 0x7f;
      for (let shift = 7; b & 0x80; shift += 7) {
        b = buf[p++];
        v |= (b & 0x7f) << shift;
      }
      doc += v >>> 1;
      let score: number;
      if ((v & 1) === 0) score = plainScore[doc];
      else {
        const f = buf[p++];
        const inTitle = titleFrequency(f);
        // Without title occurrences the title's term is +0, and +0 + x is x: one division, the same number.
        const tf = inTitle === 0 ? textFrequency(f) / textNorm[doc] : (titleWeight * inTitle) / titleNorm[doc] + textFrequency(f) / textNorm[doc];
        score = tf / (tf + k1);
      }
      const before = acc[doc];
      if (before === 0) {
        touched[nTouched++] = doc;
        if (counting) {
          held[doc] = 0;
          lastItem[doc] = -1;
        }
      }
      // 0 + x is x exactly: the first contribution is stored as it is.
      acc[doc] = before + w * score;
      if (item >= 0 && lastItem[doc] !== item) {
        lastItem[doc] = item;
        held[doc]++;
      }
    }
    this.nTouched = nTouched;
  }

  /**
   * Live documents matching `word` — by its stem or another reading, and with
   * `root` by its root too, as a search matches it — in all (`all`) and among
   * those marked in `within` (`count`; all of them without `within`).
   * Undefined when counting would read more than `budget` postings (`cost`:
   * what it read). Every document holding a stem holds its root, so a word
   * without other readings matches the documents of one term: counted from
   * the lexicon without `within`, from one posting list with it.
   */
  countWord(word: QueryWord, within: Uint8Array | undefined, budget: number, root: boolean): WordCount | undefined {
    const terms = wordCountTerms(word, root && this.params.rootWeight > 0);
    if (terms.length === 1 && !within) {
      const all = this.index.df(...terms[0]);
      return { count: all, all, cost: 0 };
    }
    const lists = terms.flatMap(([ns, t]) => this.index.postingLists(ns, t));
    let cost = 0;
    for (const l of lists) cost += l.postings;
    if (cost > budget) return undefined;
    const deleted = this.index.deleted;
    let count = 0;
    let all = 0;
    if (terms.length === 1) {
      // One term: no document twice.
      for (const l of lists) {
        const cur = l.cursor.reset(l.start, l.end);
        while (cur.next()) {
          const doc = l.base + cur.doc;
          if (within![doc] && !(deleted && deleted[doc])) count++;
        }
        all += l.df;
      }
      return { count, all, cost };
    }
    // Several terms: the documents already counted carry this epoch's stamp.
    const epoch = (this.epoch = (this.epoch + 1) >>> 0 || 1);
    const { stamp } = this;
    for (const l of lists) {
      const cur = l.cursor.reset(l.start, l.end);
      while (cur.next()) {
        const doc = l.base + cur.doc;
        if (stamp[doc] === epoch) continue;
        stamp[doc] = epoch;
        if (deleted && deleted[doc]) continue;
        all++;
        if (!within || within[doc]) count++;
      }
    }
    return { count, all, cost };
  }

  /** Marks every document holding stem `stem` in `into`. */
  private docsOf(stem: string, into: Set<number>): void {
    for (const l of this.index.postingLists('stems', stem)) {
      const cur = l.cursor.reset(l.start, l.end);
      while (cur.next()) into.add(l.base + cur.doc);
    }
  }

  /**
   * Each document's facet cell, `day place × sources + source number` (see
   * `days`), while the cells are few (FACET_CELLS): counting a match by source
   * and by day is then one increment in a small table, whose rows and columns
   * are summed once per query. Undefined when there are more cells.
   */
  private facetCells(): Uint16Array | undefined {
    if (this.cellOf !== undefined) return this.cellOf || undefined;
    const { dayOf, days } = this.days();
    const sourceCount = this.index.sources.length;
    if (days.length * sourceCount > FACET_CELLS) {
      this.cellOf = false;
      return undefined;
    }
    const { source } = this.index.arrays;
    const cellOf = new Uint16Array(this.index.size);
    for (let d = 0; d < cellOf.length; d++) cellOf[d] = dayOf[d] * sourceCount + source[d];
    this.cellOf = cellOf;
    return cellOf;
  }

  /** The documents that qualify, counted by source (and day), the best k in order. */
  private collect(plan: Plan, req: RankRequest): RankResult {
    const banned = new Set<number>();
    for (const t of plan.excluded) this.docsOf(t, banned);
    const { source, fromDay, toDay } = req.filters;
    const { date, source: sources } = this.index.arrays;
    const deleted = this.index.deleted;
    const phrases = req.query.phrases.length > 0 && req.verify !== undefined;
    const filtered = deleted !== undefined || banned.size > 0 || fromDay !== undefined || toDay !== undefined || phrases;
    const newest = req.sort === 'newest';
    const { dayOf, days } = this.days();
    const sourceCount = this.index.sources.length;
    const perSource = new Uint32Array(sourceCount);
    // Counted by day every time (an increment), returned on request.
    const dayCounts = new Uint32Array(days.length);
    const cellOf = this.facetCells();
    const cellCounts = cellOf ? new Uint32Array(days.length * sourceCount) : undefined;
    const mark = req.mark;
    // The heap orders by key (the score, or the date when newest first), then score, then document order.
    const heap: Heap = { docs: [], keys: [], scores: [] };
    // The weakest key of a full heap: documents with a lower one cannot enter.
    let floor = -Infinity;
    const need = plan.required;
    const k = req.k;
    const { acc, held, touched, nTouched } = this;
    let total = 0;
    for (let i = 0; i < nTouched; i++) {
      const doc = touched[i];
      const score = acc[doc];
      acc[doc] = 0;
      if (need > 0 && held[doc] !== need) continue;
      if (filtered) {
        if (deleted && deleted[doc]) continue;
        if (banned.size && banned.has(doc)) continue;
        if (fromDay !== undefined && !(date[doc] >= fromDay)) continue;
        if (toDay !== undefined && (date[doc] === NO_DATE || date[doc] > toDay)) continue;
        if (phrases && !req.verify!(doc)) continue;
      }
      // Sources count the matches before the source filter, days after it.
      if (cellCounts) cellCounts[cellOf![doc]]++;
      else perSource[sources[doc]]++;
      if (source !== undefined && sources[doc] !== source) continue;
      total++;
      if (!cellCounts) dayCounts[dayOf[doc]]++;
      if (mark) mark[doc] = 1;
      if (k === 0) continue;
      const key = newest ? date[doc] : score;
      if (key < floor) continue;
      if (pushTop(heap, k, doc, key, score) && heap.docs.length === k) floor = heap.keys[0];
    }
    this.nTouched = 0;
    if (cellCounts) countCells(cellCounts, sourceCount, source, perSource, dayCounts);
    // Sort the heap's contents best first.
    // Plain loops: `map` over an empty heap returns an array of another shape, which deoptimized this function.
    const order: number[] = [];
    for (let i = 0; i < heap.docs.length; i++) order.push(i);
    order.sort((a, b) => (better(heap.keys[a], heap.scores[a], heap.docs[a], heap.keys[b], heap.scores[b], heap.docs[b]) ? -1 : 1));
    const docs: number[] = [];
    const scores: number[] = [];
    for (const i of order) {
      docs.push(heap.docs[i]);
      scores.push(heap.scores[i]);
    }
    return { docs, scores, total, sourceCounts: perSource, dayCounts: req.countDays ? dayCounts : undefined, partial: plan.partial };
  }
}

/** The best k seen so far: a min-heap on (key, score, -doc) in three parallel arrays. */
interface Heap {
  docs: number[];
  keys: number[];
  scores: number[];
}

/** Whether (key a, score a, document a) ranks before b: higher key, then higher score, then earlier document. */
function better(ka: number, sa: number, da: number, kb: number, sb: number, db: number): boolean {
  return ka > kb || (ka === kb && (sa > sb || (sa === sb && da < db)));
}

function before(h: Heap, i: number, j: number): boolean {
  return better(h.keys[i], h.scores[i], h.docs[i], h.keys[j], h.scores[j], h.docs[j]);
}

/** Keeps the k best in the heap (its root the weakest); false when `doc` is not among them. */
function pushTop(h: Heap, k: number, doc: number, key: number, score: number): boolean {
  if (h.docs.length < k) {
    h.docs.push(doc);
    h.keys.push(key);
    h.scores.push(score);
    let i = h.docs.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h, p, i)) break;
      swap(h, i, p);
      i = p;
    }
    return true;
  }
  if (!better(key, score, doc, h.keys[0], h.scores[0], h.docs[0])) return false;
  h.docs[0] = doc;
  h.keys[0] = key;
  h.scores[0] = score;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < k && before(h, m, l)) m = l;
    if (r < k && before(h, m, r)) m = r;
    if (m === i) break;
    swap(h, i, m);
    i = m;
  }
  return true;
}

function swap(h: Heap, i: number, j: number): void {
  [h.docs[i], h.docs[j]] = [h.docs[j], h.docs[i]];
  [h.keys[i], h.keys[j]] = [h.keys[j], h.keys[i]];
  [h.scores[i], h.scores[j]] = [h.scores[j], h.scores[i]];
}

/**
 * Sums the facet cells (see Ranker.facetCells) into matches by source, and
 * by day among the documents of `source` (all of them without a source filter).
 */
function countCells(cells: Uint32Array, sourceCount: number, source: number | undefined, perSource: Uint32Array, dayCounts: Uint32Array): void {
  for (let day = 0, c = 0; day < dayCounts.length; day++) {
    let n = 0;
    for (let sid = 0; sid < sourceCount; sid++, c++) {
      perSource[sid] += cells[c];
      if (source === undefined || sid === source) n += cells[c];
    }
    dayCounts[day] = n;
  }
}

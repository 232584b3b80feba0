/**
 * Ranking: BM25F over title and text, term at a time, straight off the
 * compressed postings. Each query word scores its stem's postings, plus a
 * lighter share for its exact surface form, so an exact match outranks a
 * stem-only one. Work is proportional to the postings of the query's terms;
 * accumulators are reused across queries.
 */
import { termId, type IndexData, type Lexicon } from '../index/open.js';
import type { ParsedQuery } from './query.js';
import { NO_DATE } from '../index/dates.js';
import { forEachPosting } from '../index/postings.js';

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
}

export interface RankResult {
  /** Internal doc numbers of the best `k`, best first. */
  docs: number[];
  scores: number[];
  total: number;
  /** Matches per source id over the matching set, source filter not applied. */
  sourceCounts: Map<number, number>;
}

export function idf(n: number, df: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

/** Reusable per-document scratch space, sized to the index. */
export class Ranker {
  private readonly acc: Float64Array;
  private readonly mask: Uint32Array;
  private readonly stamp: Uint32Array;
  private readonly touched: Int32Array;
  private readonly titleNorm: Float32Array;
  private readonly textNorm: Float32Array;
  /** tf/(tf+k1) of one text occurrence and none in the title, per document. */
  private readonly plainScore: Float64Array;
  private epoch = 0;
  private nTouched = 0;

  constructor(
    private readonly data: IndexData,
    readonly params: RankParams = DEFAULT_RANK_PARAMS,
  ) {
    const n = data.ids.length;
    this.acc = new Float64Array(n);
    this.mask = new Uint32Array(n);
    this.stamp = new Uint32Array(n);
    this.plainScore = new Float64Array(n);
    this.touched = new Int32Array(n);
    this.titleNorm = new Float32Array(n);
    this.textNorm = new Float32Array(n);
    const { avgTitleLength, avgTextLength } = data.manifest;
    for (let d = 0; d < n; d++) {
      this.titleNorm[d] = 1 - params.bTitle + (params.bTitle * data.titleLength[d]) / Math.max(avgTitleLength, 1e-9);
      this.textNorm[d] = 1 - params.bText + (params.bText * data.textLength[d]) / Math.max(avgTextLength, 1e-9);
      const tf = 1 / this.textNorm[d];
      this.plainScore[d] = tf / (tf + params.k1);
    }
  }

  /**
   * Adds one term's BM25F contribution to every document in its postings. The
   * posting loop is written out here (not through `forEachPosting`) because it
   * is the hottest loop of a query; a single text occurrence, three postings in
   * four, takes its saturated score from a per-document table.
   */
  private accumulate(lex: Lexicon, term: number, weight: number, bit: number): void {
    const { k1, titleWeight } = this.params;
    const w = weight * idf(this.data.ids.length, lex.df[term]) * (k1 + 1);
    const { acc, mask, stamp, touched, titleNorm, textNorm, plainScore, epoch } = this;
    const postings = this.data.postings;
    const end = lex.end[term];
    let nTouched = this.nTouched;
    let p = lex.start[term];
    let doc = -1;
    while (p < end) {
      let b = postings[p++];
      let v = b & 0x7f;
      for (let shift = 7; b & 0x80; shift += 7) {
        b = postings[p++];
        v |= (b & 0x7f) << shift;
      }
      doc += v >>> 1;
      let score: number;
      if (v & 1) {
        const f = postings[p++];
        const tf = (titleWeight * (f >> 6)) / titleNorm[doc] + (f & 0x3f) / textNorm[doc];
        score = tf / (tf + k1);
      } else score = plainScore[doc];
      if (stamp[doc] !== epoch) {
        stamp[doc] = epoch;
        acc[doc] = w * score;
        mask[doc] = bit;
        touched[nTouched++] = doc;
      } else {
        acc[doc] += w * score;
        mask[doc] |= bit;
      }
    }
    this.nTouched = nTouched;
  }

  /** Marks every document holding `term` in `into`. */
  docsOf(lex: Lexicon, term: number, into: Set<number>): void {
    forEachPosting(this.data.postings, lex.start[term], lex.end[term], (doc) => into.add(doc));
  }

  /** Norm-namespace terms starting with `prefix`, most frequent first. */
  expandPrefix(prefix: string, limit: number): number[] {
    const { terms, df } = this.data.norms;
    let lo = 0;
    let hi = terms.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (terms[mid] < prefix) lo = mid + 1;
      else hi = mid;
    }
    // The `limit` most frequent, kept sorted by insertion (ties: lexicon order).
    const out: number[] = [];
    for (let i = lo; i < terms.length && terms[i].startsWith(prefix); i++) {
      if (out.length === limit) {
        if (df[i] <= df[out[limit - 1]]) continue;
        out.pop();
      }
      let j = out.length;
      while (j > 0 && df[out[j - 1]] < df[i]) j--;
      out.splice(j, 0, i);
    }
    return out;
  }

  rank(req: RankRequest): RankResult {
    const { data, params } = this;
    this.epoch = (this.epoch + 1) >>> 0 || 1;
    this.nTouched = 0;
    const { words, prefixes, phrases, excluded } = req.query;
    let bit = 1;
    let required = 0;
    for (const w of words.slice(0, 31)) {
      const s = termId(data.stems, w.term);
      if (s >= 0) this.accumulate(data.stems, s, 1, bit);
      const n = params.normWeight > 0 ? termId(data.norms, w.norm) : -1;
      if (n >= 0) this.accumulate(data.norms, n, params.normWeight, bit);
      if (params.alternateWeight > 0) {
        for (const alt of w.alternates) {
          const a = termId(data.stems, alt);
          if (a >= 0) this.accumulate(data.stems, a, params.alternateWeight, bit);
        }
      }
      const r = params.rootWeight > 0 ? termId(data.roots, w.root) : -1;
      if (r >= 0) this.accumulate(data.roots, r, params.rootWeight, bit);
      required |= bit;
      bit <<= 1;
    }
    for (const prefix of prefixes.slice(0, 31 - Math.min(words.length, 31))) {
      for (const t of this.expandPrefix(prefix, params.maxPrefixExpansions)) this.accumulate(data.norms, t, 1, bit);
      required |= bit;
      bit <<= 1;
    }
    // Phrase words are always required; plain words only with mode=all.
    let phraseMask = 0;
    if (phrases.length) {
      words.slice(0, 31).forEach((w, i) => {
        if (phrases.some((p) => p.words.some((pw) => pw.term === w.term))) phraseMask |= 1 << i;
      });
    }
    const need = (req.all ? required : phraseMask) >>> 0;
    const banned = new Set<number>();
    for (const e of excluded) {
      const t = termId(data.stems, e);
      if (t >= 0) this.docsOf(data.stems, t, banned);
    }

    const { source, fromDay, toDay } = req.filters;
    const heapDocs: number[] = [];
    const heapScores: number[] = [];
    const perSource = new Uint32Array(data.manifest.sources.length);
    let total = 0;
    const k = req.k;
    const { acc, mask, touched, nTouched } = this;
    const sources = data.source;
    const filtered = banned.size > 0 || fromDay !== undefined || toDay !== undefined || (phrases.length > 0 && req.verify !== undefined);
    for (let i = 0; i < nTouched; i++) {
      const doc = touched[i];
      if (((mask[doc] & need) >>> 0) !== need) continue;
      if (filtered) {
        if (banned.size && banned.has(doc)) continue;
        if (fromDay !== undefined && !(data.date[doc] >= fromDay)) continue;
        if (toDay !== undefined && (data.date[doc] === NO_DATE || data.date[doc] > toDay)) continue;
        if (phrases.length && req.verify && !req.verify(doc)) continue;
      }
      const sid = sources[doc];
      perSource[sid]++;
      if (source !== undefined && sid !== source) continue;
      total++;
      if (k === 0) continue;
      // Most documents lose to the weakest of a full heap: test before the call.
      const score = acc[doc];
      if (heapDocs.length === k && !better(score, doc, heapScores[0], heapDocs[0])) continue;
      pushTop(heapDocs, heapScores, k, doc, score);
    }
    // Sort the heap's contents best first; ties by document order.
    // Plain loops: `map` over an empty heap returns an array of another shape, which deoptimized this function.
    const order: number[] = [];
    for (let i = 0; i < heapDocs.length; i++) order.push(i);
    order.sort((a, b) => heapScores[b] - heapScores[a] || heapDocs[a] - heapDocs[b]);
    const sourceCounts = new Map<number, number>();
    for (let sid = 0; sid < perSource.length; sid++) if (perSource[sid]) sourceCounts.set(sid, perSource[sid]);
    const docs: number[] = [];
    const scores: number[] = [];
    for (const i of order) {
      docs.push(heapDocs[i]);
      scores.push(heapScores[i]);
    }
    return { docs, scores, total, sourceCounts };
  }
}

function better(sa: number, da: number, sb: number, db: number): boolean {
  return sa > sb || (sa === sb && da < db);
}

/** Min-heap of size k on (score, -doc): keeps the k best. */
function pushTop(docs: number[], scores: number[], k: number, doc: number, score: number): void {
  if (docs.length < k) {
    docs.push(doc);
    scores.push(score);
    let i = docs.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!better(scores[p], docs[p], scores[i], docs[i])) break;
      swap(docs, scores, i, p);
      i = p;
    }
    return;
  }
  if (!better(score, doc, scores[0], docs[0])) return;
  docs[0] = doc;
  scores[0] = score;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < k && better(scores[m], docs[m], scores[l], docs[l])) m = l;
    if (r < k && better(scores[m], docs[m], scores[r], docs[r])) m = r;
    if (m === i) break;
    swap(docs, scores, i, m);
    i = m;
  }
}

function swap(docs: number[], scores: number[], i: number, j: number): void {
  [docs[i], docs[j]] = [docs[j], docs[i]];
  [scores[i], scores[j]] = [scores[j], scores[i]];
}

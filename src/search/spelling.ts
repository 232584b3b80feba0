/**
 * Spelling: which words of a query look misspelled, and the query with them
 * respelled. Near spellings are the index's surface forms within one edit of
 * a word of up to four letters, two of a longer one; the same word with
 * another clitic or ending is not a respelling.
 *
 *  - Did you mean (offered): a word no document holds is respelled as its
 *    nearest near spelling (fewest edits, then the most frequent) when the
 *    query matched nothing; beside results, only a close near spelling (one
 *    edit, two from eight letters on) that is common. A word matching a
 *    handful of documents (at most RARE_SHARE of the index, and at least
 *    RARE_MIN) is respelled when a close near spelling is common and held by
 *    RARITY times as many. A word matches documents by its stem, another
 *    reading or its root, as in a search.
 *  - Correction (applied, when asked): a word of CORRECT_MIN_LETTERS letters or
 *    more that matches no document at all — neither its stem, another reading
 *    nor its root — is respelled when, among its near spellings within one
 *    edit (two from eight letters on), the nearest include exactly one common
 *    one. Two common candidates are a guess; none is no better than the word;
 *    and a short word missing from the index is as often a real word the
 *    documents do not use (measured on the shared question sets, where
 *    correcting three- and four-letter words turned قصة into قوة and لغة into لله).
 *
 * "Common": held by at least COMMON_SHARE of the documents, and at least
 * COMMON_MIN of them.
 */
import type { Analyzer } from '../analysis/pipeline.js';
import type { IndexReader } from '../index/open.js';
import type { ParsedQuery, QueryWord } from './query.js';

export const COMMON_MIN = 5;
export const COMMON_SHARE = 1 / 5000;
export const RARE_MIN = 3;
export const RARE_SHARE = 1 / 20_000;
export const RARITY = 100;
export const CORRECT_MIN_LETTERS = 5;

/** Edits a close near spelling may be away: one, two from eight letters on. */
function closeEdits(w: QueryWord): number {
  return w.norm.length < 8 ? 1 : 2;
}

interface NearSpelling {
  /** Normalized surface form. */
  norm: string;
  df: number;
  distance: number;
}

export class Speller {
  constructor(
    private readonly index: Pick<IndexReader, 'documents' | 'df' | 'fuzzy' | 'readable'>,
    private readonly analyzer: Analyzer,
  ) {}

  private get common(): number {
    return Math.max(COMMON_MIN, Math.ceil(this.index.documents * COMMON_SHARE));
  }

  private get rare(): number {
    return Math.max(RARE_MIN, Math.floor(this.index.documents * RARE_SHARE));
  }

  /** Near spellings of `w` within `edits` edits that are other words, the nearest first, then the most frequent; one per stem. */
  private nearSpellings(w: QueryWord, edits = w.norm.length <= 4 ? 1 : 2): NearSpelling[] {
    if (w.norm.length < 3) return [];
    const found = this.index.fuzzy('norms', w.norm, edits);
    found.sort((a, b) => a.distance - b.distance || b.df - a.df || (a.term < b.term ? -1 : 1));
    const stems = new Set([w.stem]);
    const out: NearSpelling[] = [];
    for (const t of found) {
      if (this.analyzer.isStopWord(t.term)) continue;
      const stem = this.analyzer.stem(t.term);
      if (stems.has(stem)) continue;
      stems.add(stem);
      out.push({ norm: t.term, df: t.df, distance: t.distance });
    }
    return out;
  }

  /** The query as a reader would have meant it, when some of its words look misspelled; `total`: what the query matched. */
  didYouMean(raw: string, q: ParsedQuery, total: number): string | undefined {
    const fixes = new Map<string, string>();
    for (const w of q.words) {
      // Most words are common: their stem alone says so.
      if (this.index.df('stems', w.stem) > this.rare) continue;
      const held = this.matches(w);
      if (held > this.rare) continue;
      // With nothing to show, any near spelling with matches helps; beside results, only a close and common one.
      const near = total === 0 ? this.nearSpellings(w) : this.nearSpellings(w, closeEdits(w));
      const alt = held === 0 && total === 0 ? near[0] : near.find((n) => n.df >= this.common && n.df >= RARITY * held);
      if (alt) fixes.set(w.norm, alt.norm);
    }
    return this.respell(raw, fixes);
  }

  /** The query to answer instead, when a word of it matches nothing and exactly one of its nearest near spellings is common. */
  correction(raw: string, q: ParsedQuery): string | undefined {
    const fixes = new Map<string, string>();
    for (const w of q.words) {
      if (w.norm.length < CORRECT_MIN_LETTERS || this.matches(w) > 0) continue;
      const near = this.nearSpellings(w, closeEdits(w));
      const nearest = near.filter((n) => n.distance === near[0].distance && n.df >= this.common);
      if (nearest.length === 1) fixes.set(w.norm, nearest[0].norm);
    }
    return this.respell(raw, fixes);
  }

  /**
   * About how many documents `w` matches in a search — by its stem, another
   * reading or its root — from the lexicons alone: the most any of them holds
   * (0 exactly when it matches nothing). A misspelling the root already
   * matches (إجراءت) finds what was meant.
   */
  private matches(w: QueryWord): number {
    let n = Math.max(this.index.df('stems', w.stem), this.index.df('roots', w.root));
    for (const a of w.alternates) n = Math.max(n, this.index.df('stems', a));
    return n;
  }

  /** `raw` with each word whose normalized form is a key of `fixes` written as the index writes its value; undefined when nothing changes. */
  private respell(raw: string, fixes: Map<string, string>): string | undefined {
    if (fixes.size === 0) return undefined;
    let out = '';
    let at = 0;
    this.analyzer.scan(raw, (start, end, w) => {
      const fix = w.readings === 1 ? fixes.get(w.norm()) : undefined;
      if (fix === undefined) return;
      out += raw.slice(at, start) + this.index.readable('norms', fix);
      at = end;
    });
    out += raw.slice(at);
    return out === raw ? undefined : out.trim();
  }
}

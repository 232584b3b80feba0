/**
 * The lexicon of one term namespace (stems, surface forms or roots), writer
 * and reader. On disk: terms sorted by UTF-16 code units, one a line, the
 * namespaces one after another in lexicon.txt; document frequencies and
 * posting offsets in arrays.bin, in the same order. Lookups: exact (binary
 * search), by prefix (a contiguous range, most frequent first on request) and
 * fuzzy (edit distance, through MiniSearch's radix tree, built on first use).
 */
import SearchableMap from 'minisearch/SearchableMap';

export type Offsets = Float64Array | Uint32Array;

/** Lexicons above this size leave forms seen in one document out of fuzzy lookups (typos themselves, mostly). */
export const FUZZY_ALL_BELOW = 50_000;

/**
 * Lexicons below this size are looked up through a hash map built on first
 * use. An index written by updates has many small segments, and every term
 * of a query is looked up in each: a hash lookup (the term's hash computed
 * once for all of them) costs a fraction of a binary search over strings.
 * A build's large lexicons keep the binary search, and their memory.
 */
const HASHED_BELOW = 100_000;

export class Lexicon {
  private fuzzyMap: SearchableMap<number> | undefined;
  private ids: Map<string, number> | undefined;

  constructor(
    /** Sorted by UTF-16 code units. */
    readonly terms: readonly string[],
    readonly df: Uint32Array,
    /** Where each term's postings begin and end in postings.bin. */
    readonly start: Offsets,
    readonly end: Offsets,
    /** A readable spelling per term, '' where the term itself reads well (surface forms only). */
    private readonly display?: readonly string[],
  ) {}

  get size(): number {
    return this.terms.length;
  }

  /** The id of `term`, or -1. */
  id(term: string): number {
    if (this.terms.length < HASHED_BELOW) {
      this.ids ??= new Map(this.terms.map((t, i) => [t, i]));
      return this.ids.get(term) ?? -1;
    }
    const { terms } = this;
    let lo = 0;
    let hi = terms.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const t = terms[mid];
      if (t === term) return mid;
      if (t < term) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** The ids `[lo, hi)` of every term starting with `prefix`. */
  prefixRange(prefix: string): [number, number] {
    const { terms } = this;
    let lo = 0;
    let hi = terms.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (terms[mid] < prefix) lo = mid + 1;
      else hi = mid;
    }
    let end = lo;
    while (end < terms.length && terms[end].startsWith(prefix)) end++;
    return [lo, end];
  }

  /** The `limit` most frequent terms starting with `prefix`, most frequent first (ties: lexicon order). */
  topByPrefix(prefix: string, limit: number): number[] {
    const { df } = this;
    const [lo, hi] = this.prefixRange(prefix);
    const out: number[] = [];
    for (let i = lo; i < hi; i++) {
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

  /** Terms within `maxEdits` edits of `word`: [id, distance] pairs. */
  fuzzy(word: string, maxEdits: number): [number, number][] {
    if (!this.fuzzyMap) {
      const map = new SearchableMap<number>();
      const all = this.terms.length < FUZZY_ALL_BELOW;
      for (let i = 0; i < this.terms.length; i++) if (all || this.df[i] >= 2) map.set(this.terms[i], i);
      this.fuzzyMap = map;
    }
    return [...this.fuzzyMap.fuzzyGet(word, maxEdits).values()];
  }

  /** How term `id` reads best: its recorded spelling, else the term. */
  readable(id: number): string {
    return this.display?.[id] || this.terms[id];
  }
}

/** Sorts a namespace's terms: the order (old ids by new id) the lexicon and its arrays are written in. */
export function lexiconOrder(terms: readonly string[]): number[] {
  return Array.from({ length: terms.length }, (_, i) => i).sort((a, b) => (terms[a] < terms[b] ? -1 : 1));
}

/** Lines of a sorted lexicon file section. */
export function lexiconLines(terms: readonly string[], order: readonly number[]): string {
  return order.map((t) => terms[t] + '\n').join('');
}

/** Splits a lexicon or display file into its lines (every line ends with a newline). */
export function readLines(buf: Buffer): string[] {
  const out = buf.toString('utf8').split('\n');
  out.pop();
  return out;
}

/**
 * Public shapes of a search: what `Searcher.search()` takes and returns. Text
 * is returned as text, matches as `[start, end)` offsets into it: HTML, terminal
 * and DOM renderings are made by the edges that need them.
 */

export type MatchMode = 'any' | 'all';

export interface SearchFilters {
  /** Exact value of the document's `source` metadata field. */
  source?: string;
  /** Inclusive lower bound on the `date` metadata field, ISO `YYYY-MM-DD`. */
  from?: string;
  /** Inclusive upper bound on the `date` metadata field, ISO `YYYY-MM-DD`. */
  to?: string;
}

/** How hits are ordered: by relevance (the default), or newest first. */
export type SortOrder = 'relevance' | 'newest';

export interface SearchOptions {
  limit?: number;
  offset?: number;
  mode?: MatchMode;
  filters?: SearchFilters;
  /** Build snippets and highlights (default true). Run files and evaluation switch it off. */
  snippets?: boolean;
  /** Postings the query may read before it is narrowed or refused (default WORK_BUDGET). */
  budget?: number;
  /**
   * 'relevance' (default): best first. 'newest': by the `date` field, latest
   * day first, documents of one day best first, undated documents last.
   */
  sort?: SortOrder;
  /**
   * Fold near-duplicates into one hit (default false): documents with the same
   * normalized title and nearly the same opening (see src/search/collapse.ts)
   * are listed in the first one's `duplicates`, and pages count hits so folded.
   */
  collapse?: boolean;
  /**
   * Answer for a corrected query (default false) when a word of the query
   * matches no document and exactly one near spelling of it is common; the
   * result then says so in `correction`.
   */
  correct?: boolean;
}

/** Half-open `[start, end)` UTF-16 offsets into the original field text. */
export type Span = [number, number];
/** A piece of a field's text; `highlights` are offsets into `text`; `start` is where `text` begins in the field. */
export interface Fragment { text: string; start: number; highlights: Span[] }
/** Up to three fragments in text order; `before`/`after`: text of the field was left out before the first / after the last. */
export interface Snippet { fragments: Fragment[]; before: boolean; after: boolean }
/**
 * The matches of a title and a text, in order. Lists are bounded (a hit lists
 * at most HIT_MAX_HIGHLIGHTS per field, found in the first
 * SNIPPET_SCAN_CHARACTERS of a text; a document view DOCUMENT_MAX_HIGHLIGHTS):
 * `truncated` is present (true) when there may be matches beyond those listed.
 */
export interface Highlights { title: Span[]; text: Span[]; truncated?: true }
/**
 * `highlights`: the matches in the title and the text (the snippet shows those
 * of its fragments). `damaged` (true): the stored document could not be read
 * (its record does not match its checksum); the hit keeps its id and score,
 * its title, snippet, highlights and metadata are empty.
 */
export interface Hit {
  id: string;
  score: number;
  title: string;
  snippet: Snippet;
  highlights: Highlights;
  metadata: Record<string, unknown>;
  /** With `collapse`: the near-duplicates folded into this hit, best first (absent when there are none). */
  duplicates?: Duplicate[];
  damaged?: true;
}

/** A document folded into a hit as a near-duplicate of it: enough to name and link it ("also in …"). */
export interface Duplicate {
  id: string;
  /** Its `source` and `date` fields, when they are text. */
  source?: string;
  date?: string;
}

/**
 * The facet key (and source filter value) of documents without a source: the
 * empty string, which no source can be (an empty `source` is no source).
 */
export const NO_SOURCE = '';

/** Matching documents by period of their `date` field. */
export interface DateFacet {
  /**
   * 'day' when the matching documents' dates span at most DATE_FACET_MAX_DAYS
   * days, 'month' when they span at most DATE_FACET_MAX_MONTHS months, else 'year'.
   */
  granularity: 'day' | 'month' | 'year';
  /** Documents by period — keys `YYYY-MM-DD`, `YYYY-MM` or `YYYY` — in date order; periods without any left out. */
  counts: Record<string, number>;
  /** Matching documents without a date (no period counts them). */
  undated: number;
}

export interface Facets {
  /**
   * The SOURCE_FACET_LIMIT sources with the most matching documents (most
   * first, ties by name), counted without the source filter; NO_SOURCE counts
   * documents without one. A map without prototype: any name is a plain key.
   */
  source: Record<string, number>;
  /** What `source` leaves out: how many other sources, holding how many matching documents. */
  sourceOthers: { sources: number; documents: number };
  /** The matching documents (every filter applied) by period. */
  date: DateFacet;
}

export interface SearchResult {
  /** Matching documents (near-duplicates included). */
  total: number;
  took_ms: number;
  hits: Hit[];
  facets: Facets;
  /**
   * A spelling of the query with more matches, offered, not applied: when the
   * query matched nothing, or one of its words matches nothing or is far
   * rarer than a common near spelling.
   */
  didYouMean?: string;
  /** With `correct`, when the answer is for a corrected query: what was searched, and the query as given. */
  correction?: { query: string; original: string };
  /** With `collapse`: near-duplicates folded into the hits returned, and the hits the whole answer has once folded, when every match was examined. */
  collapse?: { folded: number; groups?: number };
  /** Present (true) when some terms of the query were left out to stay within its work budget: the answer is approximate. */
  partial?: true;
}

/** A document as stored and returned whole: the shape ingestion produced. */
export type { Document as StoredDocument } from '../ingest/document.js';
import type { Document as StoredDocument } from '../ingest/document.js';

/** A whole document and the matches of a query in its title and text (at most DOCUMENT_MAX_HIGHLIGHTS each). */
export interface HighlightedDocument {
  document: StoredDocument;
  highlights: Highlights;
}

export interface Suggestion {
  /** The completed word as it appears (normalized surface form). */
  term: string;
  /** The whole query with its last word completed. */
  query: string;
  /**
   * Documents matching the completed query with all its words required
   * (mode=all): for a one-word query, exactly what a search finds.
   */
  count: number;
}

export interface IndexStats {
  documents: number;
  terms: number;
  builtAt: string;
  buildSeconds: number;
  analyzerVersion: number;
  formatVersion: number;
  bytes: number;
}

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

export interface SearchOptions {
  limit?: number;
  offset?: number;
  mode?: MatchMode;
  filters?: SearchFilters;
  /** Build snippets and highlights (default true). Run files and evaluation switch it off. */
  snippets?: boolean;
  /** Postings the query may read before it is narrowed or refused (default WORK_BUDGET). */
  budget?: number;
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
export interface Hit { id: string; score: number; title: string; snippet: Snippet; highlights: Highlights; metadata: Record<string, unknown>; damaged?: true }

/** The facet key (and source filter value) of documents that have no source. */
export const NO_SOURCE = '(none)';

export interface SearchResult {
  total: number;
  took_ms: number;
  hits: Hit[];
  /** Counts by `source` over every matching document (the source filter itself not applied); no source counts as NO_SOURCE. */
  facets: { source: Record<string, number> };
  /** A near spelling that has matches, offered when the query matched nothing. */
  didYouMean?: string;
  /** Present (true) when some terms of the query were left out to stay within its work budget: the answer is approximate. */
  partial?: true;
}

/** A document as stored and returned whole: the shape ingestion produced. */
export type { Document as StoredDocument } from '../ingest/document.js';

export interface Suggestion {
  /** The completed word as it appears (normalized surface form). */
  term: string;
  /** The whole query with its last word completed. */
  query: string;
  /** Number of documents containing the word. */
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

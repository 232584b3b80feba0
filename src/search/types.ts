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
/** `highlights`: every match in the whole title and the whole text (the snippet shows those of its fragments). */
export interface Hit { id: string; score: number; title: string; snippet: Snippet; highlights: { title: Span[]; text: Span[] }; metadata: Record<string, unknown> }

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
import type { Document as StoredDocument } from '../ingest/document.js';

/** A whole document and every match of a query in its title and text. */
export interface HighlightedDocument {
  document: StoredDocument;
  highlights: { title: Span[]; text: Span[] };
}

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

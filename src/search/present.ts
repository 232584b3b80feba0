/**
 * What a search shows, whichever engine ranked it: the checks of a request's
 * paging and dates, a hit made from a stored document (title marks, snippet,
 * every match), a whole document with its matches, and the word a suggestion
 * completes. The local Searcher and the OpenSearch engine share these, so the
 * same document and query give the same answer byte for byte.
 */
import type { Analyzer } from '../analysis/pipeline.js';
import { DEFAULT_HIT_LIMIT, DOCUMENT_MAX_HIGHLIGHTS, HIT_MAX_HIGHLIGHTS, LIBRARY_MAX_HITS, LIBRARY_MAX_OFFSET } from '../common/limits.js';
import { parseDate } from '../index/dates.js';
import { boundedSpans, matcherFor, type Matcher } from './highlight.js';
import { parseQuery, QueryError } from './query.js';
import { DEFAULT_SNIPPET_OPTIONS, snippet } from './snippet.js';
import type { HighlightedDocument, Highlights, Hit, SearchOptions, StoredDocument } from './types.js';

/** The paging and order of a search, checked: a `QueryError` names a bad limit, offset or sort. */
export function pagingOf(opts: SearchOptions): { limit: number; offset: number } {
  const limit = opts.limit ?? DEFAULT_HIT_LIMIT;
  const offset = opts.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 0 || limit > LIBRARY_MAX_HITS) throw new QueryError(`"limit" must be a whole number from 0 to ${LIBRARY_MAX_HITS}`);
  if (!Number.isInteger(offset) || offset < 0 || offset > LIBRARY_MAX_OFFSET) throw new QueryError(`"offset" must be a whole number from 0 to ${LIBRARY_MAX_OFFSET}`);
  if (opts.sort !== undefined && opts.sort !== 'relevance' && opts.sort !== 'newest') throw new QueryError(`"sort" must be "relevance" or "newest", not "${String(opts.sort)}"`);
  return { limit, offset };
}

/** The date filters as days since 1970-01-01; a `QueryError` names one that is not a calendar date. */
export function filterDays(opts: SearchOptions): { fromDay?: number; toDay?: number } {
  const out: { fromDay?: number; toDay?: number } = {};
  for (const key of ['from', 'to'] as const) {
    const value = opts.filters?.[key];
    if (value === undefined) continue;
    const day = parseDate(value);
    if (day === undefined) throw new QueryError(`"${key}" must be a calendar date like 2015-08-01, not "${value}"`);
    if (key === 'from') out.fromDay = day;
    else out.toDay = day;
  }
  return out;
}

/** A hit of a search run without snippets: its id and score only. */
export function bareHit(id: string, score: number): Hit {
  return { id, score, title: '', snippet: { fragments: [], before: false, after: false }, highlights: { title: [], text: [] }, metadata: {} };
}

/**
 * A hit showing `doc`: its title with marks, a snippet of its text and the
 * matches of the query (at most HIT_MAX_HIGHLIGHTS a field). `firstMatches`,
 * when the engine knows them, gives the offsets of the text's first matches
 * for a long text with none in its scanned start.
 */
export function hitOf(analyzer: Analyzer, matcher: Matcher, doc: StoredDocument, score: number, firstMatches?: () => number[]): Hit {
  const title = boundedSpans(analyzer, doc.title, matcher, HIT_MAX_HIGHLIGHTS);
  const text = snippet(analyzer, doc.text, matcher, DEFAULT_SNIPPET_OPTIONS, firstMatches);
  const highlights: Highlights = { title: title.spans, text: text.spans };
  if (title.truncated || text.truncated) highlights.truncated = true;
  return { id: doc.id, score, title: doc.title, snippet: text.snippet, highlights, metadata: doc.metadata };
}

/**
 * The whole document with the matches of `query` highlighted: the first
 * DOCUMENT_MAX_HIGHLIGHTS of each field (the text is not scanned past them).
 */
export function highlightedDocument(analyzer: Analyzer, document: StoredDocument, query?: string): HighlightedDocument {
  if (!query) return { document, highlights: { title: [], text: [] } };
  const m = matcherFor(analyzer, parseQuery(query, analyzer));
  const title = boundedSpans(analyzer, document.title, m, DOCUMENT_MAX_HIGHLIGHTS);
  const text = boundedSpans(analyzer, document.text, m, DOCUMENT_MAX_HIGHLIGHTS);
  const highlights: Highlights = { title: title.spans, text: text.spans };
  if (title.truncated || text.truncated) highlights.truncated = true;
  return { document, highlights };
}

/** The word a suggestion completes: the last word of `input` normalized, and what comes before it; undefined when `input` ends in a space or has no letters. */
export function suggestionPrefix(analyzer: Analyzer, input: string): { head: string; norm: string } | undefined {
  const m = /^(.*?)(\S+)\s*$/su.exec(input);
  if (!m || /\s$/.test(input)) return undefined;
  const norm = analyzer.normalize(m[2]).replace(/[^\p{L}\p{N}]/gu, '');
  return norm ? { head: m[1], norm } : undefined;
}

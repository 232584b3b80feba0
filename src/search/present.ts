/**
 * What a search shows, whichever engine ranked it: the checks of a request's
 * paging and dates, a hit made from a stored document (title marks, snippet,
 * every match), a whole document with its matches, and the word a suggestion
 * completes. The local Searcher and the OpenSearch engine share these, so the
 * same document and query give the same answer byte for byte.
 */
import type { Analyzer } from '../analysis/pipeline.js';
import { DEFAULT_HIT_LIMIT, LIBRARY_MAX_HITS, LIBRARY_MAX_OFFSET } from '../common/limits.js';
import { parseDate } from '../index/dates.js';
import { matcherFor, matchSpans, type Matcher } from './highlight.js';
import { parseQuery, QueryError } from './query.js';
import { snippet } from './snippet.js';
import type { HighlightedDocument, Hit, SearchOptions, StoredDocument } from './types.js';

/** The paging of a search, checked: a `QueryError` names a bad limit or offset. */
export function pagingOf(opts: SearchOptions): { limit: number; offset: number } {
  const limit = opts.limit ?? DEFAULT_HIT_LIMIT;
  const offset = opts.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 0 || limit > LIBRARY_MAX_HITS) throw new QueryError(`"limit" must be a whole number from 0 to ${LIBRARY_MAX_HITS}`);
  if (!Number.isInteger(offset) || offset < 0 || offset > LIBRARY_MAX_OFFSET) throw new QueryError(`"offset" must be a whole number from 0 to ${LIBRARY_MAX_OFFSET}`);
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

/** A hit showing `doc`: its title with marks, a snippet of its text and every match of the query. */
export function hitOf(analyzer: Analyzer, matcher: Matcher, doc: StoredDocument, score: number): Hit {
  const titleSpans = matchSpans(analyzer, doc.title, matcher);
  const text = snippet(analyzer, doc.text, matcher);
  return { id: doc.id, score, title: doc.title, snippet: text.snippet, highlights: { title: titleSpans, text: text.spans }, metadata: doc.metadata };
}

/** The whole document with every match of `query` in its title and text. */
export function highlightedDocument(analyzer: Analyzer, document: StoredDocument, query?: string): HighlightedDocument {
  if (!query) return { document, highlights: { title: [], text: [] } };
  const m = matcherFor(analyzer, parseQuery(query, analyzer));
  return { document, highlights: { title: matchSpans(analyzer, document.title, m), text: matchSpans(analyzer, document.text, m) } };
}

/** The word a suggestion completes: the last word of `input` normalized, and what comes before it; undefined when `input` ends in a space or has no letters. */
export function suggestionPrefix(analyzer: Analyzer, input: string): { head: string; norm: string } | undefined {
  const m = /^(.*?)(\S+)\s*$/su.exec(input);
  if (!m || /\s$/.test(input)) return undefined;
  const norm = analyzer.normalize(m[2]).replace(/[^\p{L}\p{N}]/gu, '');
  return norm ? { head: m[1], norm } : undefined;
}

/**
 * The HTTP API's JSON shapes: the search core's hits and documents with their
 * highlighted HTML fields (`titleHighlighted`, `snippet`, `textHighlighted`)
 * added, field for field in the order the API has always sent them.
 */
import type { HighlightedDocument } from '../search/searcher.js';
import type { Hit, SearchResult, Span, StoredDocument } from '../search/types.js';
import { markedHtml, snippetHtml } from './view/marked.js';

export interface ApiHit {
  id: string;
  score: number;
  title: string;
  /** The title, HTML-escaped, with every match in `<mark>`. */
  titleHighlighted: string;
  /** Up to three fragments of the text, HTML-escaped, matches in `<mark>`, joined by ` … `. */
  snippet: string;
  highlights: { title: Span[]; text: Span[] };
  metadata: Record<string, unknown>;
}

export type ApiSearchResult = Omit<SearchResult, 'hits'> & { hits: ApiHit[] };

export type ApiHighlightedDocument = StoredDocument & { titleHighlighted: string; textHighlighted: string; highlights: { title: Span[]; text: Span[] } };

export function apiHit(h: Hit): ApiHit {
  return {
    id: h.id,
    score: h.score,
    title: h.title,
    titleHighlighted: markedHtml(h.title, h.highlights.title),
    snippet: snippetHtml(h.snippet),
    highlights: h.highlights,
    metadata: h.metadata,
  };
}

export function apiSearchResult(r: SearchResult): ApiSearchResult {
  return { ...r, hits: r.hits.map(apiHit) };
}

export function apiHighlightedDocument(d: HighlightedDocument): ApiHighlightedDocument {
  const { title, text } = d.highlights;
  return { ...d.document, titleHighlighted: markedHtml(d.document.title, title), textHighlighted: markedHtml(d.document.text, text), highlights: d.highlights };
}

/**
 * The HTTP API's JSON shapes: the search core's hits and documents with their
 * highlighted HTML fields (`titleHighlighted`, `snippet`, `textHighlighted`)
 * added, field for field in the order the API has always sent them.
 */
import type { HighlightedDocument } from '../search/searcher.js';
import type { Highlights, Hit, SearchResult, StoredDocument } from '../search/types.js';
import { markedHtml, snippetHtml } from './view/marked.js';

export interface ApiHit {
  id: string;
  score: number;
  title: string;
  /** The title, HTML-escaped, with every match in `<mark>`. */
  titleHighlighted: string;
  /** Up to three fragments of the text, HTML-escaped, matches in `<mark>`, joined by ` … `. */
  snippet: string;
  highlights: Highlights;
  metadata: Record<string, unknown>;
  /** Present (true) when the stored document could not be read: the hit has its id and score only. */
  damaged?: true;
}

export type ApiSearchResult = Omit<SearchResult, 'hits'> & { hits: ApiHit[] };

export type ApiHighlightedDocument = StoredDocument & { titleHighlighted: string; textHighlighted: string; highlights: Highlights };

export function apiHit(h: Hit): ApiHit {
  const hit: ApiHit = {
    id: h.id,
    score: h.score,
    title: h.title,
    titleHighlighted: markedHtml(h.title, h.highlights.title),
    snippet: snippetHtml(h.snippet),
    highlights: h.highlights,
    metadata: h.metadata,
  };
  if (h.damaged) hit.damaged = true;
  return hit;
}

export function apiSearchResult(r: SearchResult): ApiSearchResult {
  return { ...r, hits: r.hits.map(apiHit) };
}

export function apiHighlightedDocument(d: HighlightedDocument): ApiHighlightedDocument {
  const { title, text } = d.highlights;
  return { ...d.document, titleHighlighted: markedHtml(d.document.title, title), textHighlighted: markedHtml(d.document.text, text), highlights: d.highlights };
}

/**
 * The HTML of text with matches, made here and nowhere else: every character
 * of the text escaped, each match in a <mark>, snippet fragments laid out by
 * renderSnippet (" … " between, "… " / " …" where text was left out). The
 * API's `titleHighlighted`, `snippet` and `textHighlighted` and the pages'
 * results and document view all come from these functions.
 */
import { renderMarked, renderSnippet } from '../../search/snippet.js';
import type { Snippet, Span } from '../../search/types.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const mark = (s: string): string => `<mark>${escapeHtml(s)}</mark>`;

/**
 * `text` escaped with each span (sorted, disjoint, inside the text) in a
 * <mark>. With `firstId`, the marks are numbered `id="m<firstId>"`,
 * `m<firstId+1>`… so the first can be linked (#m1) and all navigated.
 */
export function markedHtml(text: string, spans: readonly Span[], firstId?: number): string {
  if (firstId === undefined) return renderMarked(text, spans, escapeHtml, mark);
  return renderMarked(text, spans, escapeHtml, (s, n) => `<mark id="m${firstId + n}">${escapeHtml(s)}</mark>`);
}

export function snippetHtml(s: Snippet): string {
  return renderSnippet(s, (text, spans) => renderMarked(text, spans, escapeHtml, mark));
}

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

/** The renderings of text with matches for one way of writing text as HTML (`text`): matches in <mark>s. */
function renderings(text: (s: string) => string) {
  const mark = (s: string): string => `<mark>${text(s)}</mark>`;
  return {
    marked: (t: string, spans: readonly Span[], firstId?: number): string =>
      firstId === undefined ? renderMarked(t, spans, text, mark) : renderMarked(t, spans, text, (s, n) => `<mark id="m${firstId + n}">${text(s)}</mark>`),
    snippet: (s: Snippet): string => renderSnippet(s, (t, spans) => renderMarked(t, spans, text, mark)),
  };
}

const api = renderings(escapeHtml);

/**
 * `text` escaped with each span (sorted, disjoint, inside the text) in a
 * <mark>. With `firstId`, the marks are numbered `id="m<firstId>"`,
 * `m<firstId+1>`… so the first can be linked (#m1) and all navigated.
 */
export function markedHtml(text: string, spans: readonly Span[], firstId?: number): string {
  return api.marked(text, spans, firstId);
}

export function snippetHtml(s: Snippet): string {
  return api.snippet(s);
}

/**
 * Runs of more than this many characters without a space get a break
 * opportunity (<wbr>) every this many characters in pages. A browser lays out
 * an unbroken run in time that grows with its square: a 50,000-letter Arabic
 * run took Chromium 11 s to wrap, 0.2 s with <wbr>s.
 */
const BREAK_EVERY = 64;
/** BREAK_EVERY characters that are not spaces, followed by another that is neither a space nor a combining mark (a mark stays with its letter). */
const LONG_RUN = new RegExp(`\\S{${BREAK_EVERY}}(?=[^\\s\\p{M}])`, 'gu');

/** Text as page HTML: escaped, long unbroken runs given break opportunities. The text read is unchanged. */
export function pageText(s: string): string {
  let out = '';
  let last = 0;
  for (const m of s.matchAll(LONG_RUN)) {
    const end = m.index + m[0].length;
    out += `${escapeHtml(s.slice(last, end))}<wbr>`;
    last = end;
  }
  return last === 0 ? escapeHtml(s) : out + escapeHtml(s.slice(last));
}

const page = renderings(pageText);

/** markedHtml for pages (results, document view): the same, with pageText's break opportunities. */
export function markedPageHtml(text: string, spans: readonly Span[], firstId?: number): string {
  return page.marked(text, spans, firstId);
}

/** snippetHtml for pages. */
export function snippetPageHtml(s: Snippet): string {
  return page.snippet(s);
}

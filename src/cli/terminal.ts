/**
 * Text with matches for a terminal: matches in bold when writing to one, in
 * [brackets] otherwise. Control characters from documents are shown as U+FFFD,
 * so a document cannot move the cursor, change colours or ring the bell.
 */
import { renderMarked, renderSnippet } from '../search/snippet.js';
import type { Snippet, Span } from '../search/types.js';

/** C0 controls but tab and line feed, DEL, C1 controls, as U+FFFD: for what documents hold. (Messages and file names are escaped instead: src/common/printable.ts.) */
export function inert(s: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return s.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, '\ufffd');
}

const bold = (s: string): string => `\x1b[1m${inert(s)}\x1b[22m`;
const bracketed = (s: string): string => `[${inert(s)}]`;

export function markedText(text: string, spans: readonly Span[], color: boolean): string {
  return renderMarked(text, spans, inert, color ? bold : bracketed);
}

export function snippetText(s: Snippet, color: boolean): string {
  return renderSnippet(s, (text, spans) => markedText(text, spans, color));
}

/**
 * Snippets: up to three windows of a text richest in distinct query terms,
 * returned as text with the offsets of their matches. The edges render them
 * (HTML, terminal) through renderMarked and renderSnippet, which fix the
 * layout every rendering shares and leave escaping and emphasis to the edge.
 */
import type { Analyzer } from '../analysis/pipeline.js';
import { SNIPPET_FRAGMENTS, SNIPPET_WINDOW_WORDS, SNIPPET_WORDLESS_CHARACTERS } from '../common/limits.js';
import { scan, spansOf, type Matcher, type Scan } from './highlight.js';
import type { Fragment, Snippet, Span } from './types.js';

export interface SnippetOptions {
  /** Words in a fragment. */
  window: number;
  fragments: number;
}

export const DEFAULT_SNIPPET_OPTIONS: SnippetOptions = { window: SNIPPET_WINDOW_WORDS, fragments: SNIPPET_FRAGMENTS };

/** What one scan of a text gives: its snippet and every match in the whole text. */
export interface TextHighlights {
  snippet: Snippet;
  spans: Span[];
}

/** `text[from, to)` as a fragment, with the spans that fall inside it (clipped, made relative). */
export function fragmentOf(text: string, spans: readonly Span[], from: number, to: number): Fragment {
  const highlights: Span[] = [];
  for (const [s, e] of spans) {
    if (e <= from || s >= to) continue;
    highlights.push([Math.max(s, from) - from, Math.min(e, to) - from]);
  }
  return { text: text.slice(from, to), start: from, highlights };
}

/**
 * Chooses up to `fragments` non-overlapping windows of `window` words: first
 * the one with the most distinct query terms (then the most matches), then
 * windows that add terms not yet shown. Fragments keep text order, run from
 * the first word of their window to the end of its last, and `before`/`after`
 * say whether words were left out before the first / after the last. A text
 * with matches shows the windows around them; one without, its first words;
 * one without words at all (punctuation, symbols), its first characters as
 * they are, with no ellipsis.
 */
export function snippet(analyzer: Analyzer, text: string, m: Matcher, opt: SnippetOptions = DEFAULT_SNIPPET_OPTIONS): TextHighlights {
  const s = scan(analyzer, text, m);
  const spans = spansOf(s);
  if (s.words === 0) {
    const head = Array.from(text).slice(0, SNIPPET_WORDLESS_CHARACTERS).join('');
    return { snippet: { fragments: head ? [{ text: head, start: 0, highlights: [] }] : [], before: false, after: false }, spans };
  }
  const W = Math.max(1, opt.window);
  const chosen = s.hitWords.length === 0 ? [[0, Math.min(s.words, W)] as Window] : chooseWindows(s, m.keys.length, W, opt.fragments);
  return {
    snippet: {
      fragments: chosen.map(([a, b]) => fragmentOf(text, spans, s.starts.raw[a], s.ends.raw[b - 1])),
      before: chosen[0][0] > 0,
      after: chosen[chosen.length - 1][1] < s.words,
    },
    spans,
  };
}

/**
 * `text` rendered piece by piece: `plain` for the text around the matches,
 * `match` for each match (numbered from 0). `spans` are sorted and disjoint.
 */
export function renderMarked(text: string, spans: readonly Span[], plain: (s: string) => string, match: (s: string, n: number) => string): string {
  let out = '';
  let pos = 0;
  for (let n = 0; n < spans.length; n++) {
    const [s, e] = spans[n];
    out += plain(text.slice(pos, s)) + match(text.slice(s, e), n);
    pos = e;
  }
  return out + plain(text.slice(pos));
}

/** A snippet rendered fragment by fragment, joined by " … ", with "… " / " …" where text was left out. */
export function renderSnippet(s: Snippet, fragment: (text: string, spans: readonly Span[]) => string): string {
  const body = s.fragments.map((f) => fragment(f.text, f.highlights)).join(' … ');
  return (s.before ? '… ' : '') + body + (s.after ? ' …' : '');
}

/** Word range [a, b). */
type Window = [number, number];

/**
 * The windows of a scan with matches, in text order. Candidate windows start a
 * quarter window before each match; each pass slides over them once, keeping
 * per-key counts of the matches inside.
 */
function chooseWindows(s: Scan, keyCount: number, W: number, fragments: number): Window[] {
  const n = s.words;
  const hits = s.hitWords.raw;
  const codes = s.hitCodes.raw;
  const hitCount = s.hitWords.length;
  const covered = new Uint8Array(keyCount + 1);
  const inside = new Int32Array(keyCount + 1);
  const chosen: Window[] = [];
  for (let f = 0; f < fragments; f++) {
    inside.fill(0);
    let distinct = 0;
    let fresh = 0;
    let lo = 0;
    let hi = 0;
    let best: Window | undefined;
    let bestScore = 0;
    let previous = -1;
    for (let h = 0; h < hitCount; h++) {
      const a = Math.max(0, Math.min(hits[h] - Math.floor(W / 4), n - W));
      if (a === previous) continue;
      previous = a;
      const b = Math.min(n, a + W);
      for (; hi < hitCount && hits[hi] < b; hi++) {
        if (inside[codes[hi]]++ === 0) {
          distinct++;
          if (!covered[codes[hi]]) fresh++;
        }
      }
      for (; lo < hi && hits[lo] < a; lo++) {
        if (--inside[codes[lo]] === 0) {
          distinct--;
          if (!covered[codes[lo]]) fresh--;
        }
      }
      if (chosen.some(([x, y]) => a < y && x < b)) continue;
      if (f > 0 && fresh === 0) continue;
      const score = fresh * 1000 + distinct * 10 + (hi - lo);
      if (score > bestScore) {
        bestScore = score;
        best = [a, b];
      }
    }
    if (!best) break;
    chosen.push(best);
    for (let h = 0; h < hitCount; h++) if (hits[h] >= best[0] && hits[h] < best[1]) covered[codes[h]] = 1;
  }
  return chosen.sort((x, y) => x[0] - y[0]);
}

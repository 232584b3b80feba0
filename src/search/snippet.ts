/**
 * Snippets: up to three windows of a text richest in distinct query terms,
 * returned as text with the offsets of their matches. The edges render them
 * (HTML, terminal) through renderMarked and renderSnippet, which fix the
 * layout every rendering shares and leave escaping and emphasis to the edge.
 *
 * The work of a snippet is bounded by the snippet, not by the text: only the
 * first SNIPPET_SCAN_CHARACTERS of a text are scanned; a longer text with no
 * match there is scanned only around the first matches its caller can point
 * to (the index's positions); spans are listed up to a limit and fragments
 * cut to SNIPPET_FRAGMENT_CHARACTERS.
 */
import type { Analyzer } from '../analysis/pipeline.js';
import { HIT_MAX_HIGHLIGHTS, SNIPPET_FRAGMENT_CHARACTERS, SNIPPET_FRAGMENTS, SNIPPET_SCAN_CHARACTERS, SNIPPET_WINDOW_WORDS, SNIPPET_WORDLESS_CHARACTERS } from '../common/limits.js';
import { cutBefore, scan, spansOf, type Matcher, type Scan } from './highlight.js';
import type { Fragment, Snippet, Span } from './types.js';

export interface SnippetOptions {
  /** Words in a fragment. */
  window: number;
  fragments: number;
  /** Characters of the text scanned from its start. */
  scanCharacters: number;
  /** Characters of one fragment at most. */
  fragmentCharacters: number;
  /** Spans listed at most. */
  maxSpans: number;
}

export const DEFAULT_SNIPPET_OPTIONS: SnippetOptions = {
  window: SNIPPET_WINDOW_WORDS,
  fragments: SNIPPET_FRAGMENTS,
  scanCharacters: SNIPPET_SCAN_CHARACTERS,
  fragmentCharacters: SNIPPET_FRAGMENT_CHARACTERS,
  maxSpans: HIT_MAX_HIGHLIGHTS,
};

/** What scanning a text gives: its snippet, the matches found (at most maxSpans), and whether there may be more than those. */
export interface TextHighlights {
  snippet: Snippet;
  spans: Span[];
  /** Not every match of the text is in `spans`: the list was cut, or part of the text was not scanned. */
  truncated: boolean;
}

/**
 * `text[from, to)` as a fragment, with the spans that fall inside it (clipped,
 * made relative). A window longer than `max` characters (a long unbroken
 * string) is cut to `max` around its first match.
 */
export function fragmentOf(text: string, spans: readonly Span[], from: number, to: number, max = Infinity): Fragment {
  if (to - from > max) {
    const first = spans.find(([s, e]) => e > from && s < to);
    const at = first ? Math.max(from, first[0] - Math.floor(max / 3)) : from;
    from = at === from ? from : cutBefore(text, at, from);
    to = Math.max(from + 1, cutBefore(text, Math.min(to, from + max), from));
  }
  const highlights: Span[] = [];
  for (const [s, e] of spans) {
    if (e <= from || s >= to) continue;
    highlights.push([Math.max(s, from) - from, Math.min(e, to) - from]);
  }
  return { text: text.slice(from, to), start: from, highlights };
}

/** The first `n` code points of `text`, without reading past them. */
function headOf(text: string, n: number): string {
  let i = 0;
  for (let k = 0; k < n && i < text.length; k++) i += text.codePointAt(i)! > 0xffff ? 2 : 1;
  return text.slice(0, i);
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
export function snippet(analyzer: Analyzer, text: string, m: Matcher, opt: SnippetOptions = DEFAULT_SNIPPET_OPTIONS, firstMatches?: () => number[]): TextHighlights {
  const end = text.length <= opt.scanCharacters ? text.length : cutBefore(text, opt.scanCharacters);
  if (end < text.length && firstMatches && scan(analyzer, text, m, 0, end).hitWords.length === 0) {
    const around = snippetAround(analyzer, text, m, opt, firstMatches());
    if (around) return around;
  }
  return fromScan(text, scan(analyzer, text, m, 0, end), m, opt, end);
}

/** The snippet of `s`, a scan of `text[0, end)`. */
function fromScan(text: string, s: Scan, m: Matcher, opt: SnippetOptions, end: number): TextHighlights {
  // Every match of the scanned part marks the fragments; the list returned stops at maxSpans.
  const all = spansOf(s);
  const truncated = all.length > opt.maxSpans || end < text.length;
  const spans = all.length > opt.maxSpans ? all.slice(0, opt.maxSpans) : all;
  if (s.words === 0) {
    const head = headOf(text, SNIPPET_WORDLESS_CHARACTERS);
    return { snippet: { fragments: head ? [{ text: head, start: 0, highlights: [] }] : [], before: false, after: false }, spans, truncated };
  }
  const W = Math.max(1, opt.window);
  const chosen = s.hitWords.length === 0 ? [[0, Math.min(s.words, W)] as Window] : chooseWindows(s, m.keys.length, W, opt.fragments);
  const fragments = chosen.map(([a, b]) => fragmentOf(text, all, s.starts.raw[a], s.ends.raw[b - 1], opt.fragmentCharacters));
  const last = fragments[fragments.length - 1];
  return {
    snippet: {
      fragments,
      before: chosen[0][0] > 0 || fragments[0].start > s.starts.raw[chosen[0][0]],
      after: chosen[chosen.length - 1][1] < s.words || end < text.length || last.start + last.text.length < s.ends.raw[chosen[chosen.length - 1][1] - 1],
    },
    spans,
    truncated,
  };
}

/**
 * A snippet made only of the regions around `offsets` (where matches begin,
 * past the scanned start of a long text): one fragment per region that holds
 * a match, in text order. Undefined when none does.
 */
function snippetAround(analyzer: Analyzer, text: string, m: Matcher, opt: SnippetOptions, offsets: number[]): TextHighlights | undefined {
  const reach = 2 * opt.fragmentCharacters;
  const fragments: Fragment[] = [];
  const spans: Span[] = [];
  let scannedTo = 0;
  for (const at of [...new Set(offsets)].sort((a, b) => a - b)) {
    if (fragments.length === opt.fragments) break;
    if (at < scannedTo) continue;
    const from = Math.max(scannedTo, cutBefore(text, Math.max(0, at - reach)));
    const to = cutBefore(text, Math.min(text.length, at + reach), at + 1);
    const s = scan(analyzer, text, m, from, to);
    scannedTo = to;
    if (s.hitWords.length === 0) continue;
    const found = spansOf(s);
    const [[a, b]] = chooseWindows(s, m.keys.length, Math.max(1, opt.window), 1);
    fragments.push(fragmentOf(text, found, s.starts.raw[a], s.ends.raw[b - 1], opt.fragmentCharacters));
    spans.push(...found.slice(0, opt.maxSpans - spans.length));
  }
  if (fragments.length === 0) return undefined;
  const last = fragments[fragments.length - 1];
  return { snippet: { fragments, before: true, after: last.start + last.text.length < text.length }, spans, truncated: true };
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

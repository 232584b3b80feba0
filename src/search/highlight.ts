/**
 * Highlighting: find the words of a text that match the query — by stem, by
 * surface form, by root or by prefix — and mark each WHOLE original word,
 * clitics and diacritics included. Snippets pick the windows richest in
 * distinct query terms. All text is HTML-escaped; the only markup is <mark>.
 */
import type { Analyzer, MatchProbe, Word } from '../analysis/pipeline.js';
import { Growable } from '../common/growable.js';
import type { ParsedQuery } from './query.js';
import type { Span } from './types.js';

/**
 * What a query highlights: its stems (and alternates), surface forms, roots
 * and prefixes. A match is reported as a small key number (index into `keys`
 * + 1). Words are first screened by the analyzer's probe, so a word that
 * cannot match costs a few integer comparisons.
 */
export class Matcher {
  /** Distinct match keys met so far: a stem, √root or prefix*. */
  readonly keys: string[] = [];
  private readonly keyIds = new Map<string, number>();
  private readonly probe: MatchProbe;

  constructor(
    analyzer: Analyzer,
    readonly stems: ReadonlySet<string>,
    readonly norms: ReadonlySet<string>,
    /** Root-level forms: a word matched only through its root is marked too. */
    readonly roots: ReadonlySet<string>,
    readonly prefixes: readonly string[],
  ) {
    this.probe = analyzer.probe(stems, norms, roots, prefixes.length > 0);
  }

  /** 0 when the word does not match, else its key's number. */
  codeOf(w: Word): number {
    if (!w.mayMatch(this.probe)) return 0;
    const key = this.keyOf(w);
    return key === null ? 0 : this.idOf(key);
  }

  private idOf(key: string): number {
    let id = this.keyIds.get(key);
    if (id === undefined) {
      this.keys.push(key);
      this.keyIds.set(key, (id = this.keys.length));
    }
    return id;
  }

  /** The key a word matches under (its stem, √root or prefix*), or null. */
  private keyOf(w: Word): string | null {
    for (let i = 0; i < w.readings; i++) {
      if (w.isStop(i)) continue;
      if (this.stems.has(w.stem(i)) || this.norms.has(w.norm(i))) return w.stem(i);
      if (this.roots.has(w.root(i))) return `√${w.root(i)}`;
      for (const p of this.prefixes) if (w.norm(i).startsWith(p)) return `${p}*`;
    }
    return null;
  }
}

export function matcherFor(analyzer: Analyzer, q: ParsedQuery): Matcher {
  return new Matcher(
    analyzer,
    new Set(q.words.flatMap((w) => [w.stem, ...w.alternates])),
    new Set(q.words.map((w) => w.norm)),
    new Set(q.words.map((w) => w.root)),
    q.prefixes,
  );
}

/** Words of a text (offsets) and which of them match, in buffers reused by the next scan. */
interface Scan {
  words: number;
  starts: Growable<Int32Array>;
  ends: Growable<Int32Array>;
  /** Word indexes of the matches, in order, and their key codes. */
  hitWords: Growable<Int32Array>;
  hitCodes: Growable<Int32Array>;
}

const list = () => new Growable(Int32Array, 256);
const scratch: Scan = { words: 0, starts: list(), ends: list(), hitWords: list(), hitCodes: list() };

function scan(analyzer: Analyzer, text: string, m: Matcher): Scan {
  const s = scratch;
  s.words = 0;
  s.starts.clear();
  s.ends.clear();
  s.hitWords.clear();
  s.hitCodes.clear();
  analyzer.scan(text, (start, end, w) => {
    const code = m.codeOf(w);
    if (code !== 0) {
      s.hitWords.push(s.words);
      s.hitCodes.push(code);
    }
    s.starts.push(start);
    s.ends.push(end);
    s.words++;
  });
  return s;
}

function spansOf(s: Scan): Span[] {
  const spans: Span[] = new Array(s.hitWords.length);
  for (let h = 0; h < spans.length; h++) {
    const w = s.hitWords.raw[h];
    spans[h] = [s.starts.raw[w], s.ends.raw[w]];
  }
  return spans;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Spans of every matching word of `text`. */
export function matchSpans(analyzer: Analyzer, text: string, m: Matcher): Span[] {
  return spansOf(scan(analyzer, text, m));
}

/** `text[from, to)` escaped, with the given spans (sorted, inside the range) in <mark>. */
export function markup(text: string, spans: readonly Span[], from = 0, to = text.length): string {
  let out = '';
  let pos = from;
  for (const [s, e] of spans) {
    if (e <= from || s >= to) continue;
    const a = Math.max(s, from);
    const b = Math.min(e, to);
    out += escapeHtml(text.slice(pos, a)) + '<mark>' + escapeHtml(text.slice(a, b)) + '</mark>';
    pos = b;
  }
  return out + escapeHtml(text.slice(pos, to));
}

export interface SnippetOptions {
  /** Words in a fragment. */
  window: number;
  fragments: number;
}

export const DEFAULT_SNIPPET_OPTIONS: SnippetOptions = { window: 30, fragments: 3 };

export interface Snippet {
  html: string;
  /** Every match in the whole text. */
  spans: Span[];
}

/**
 * Chooses up to `fragments` non-overlapping windows of `window` words: first
 * the one with the most distinct query terms (then the most matches), then
 * windows that add terms not yet shown. Fragments keep text order.
 */
export function snippet(analyzer: Analyzer, text: string, m: Matcher, opt: SnippetOptions = DEFAULT_SNIPPET_OPTIONS): Snippet {
  const s = scan(analyzer, text, m);
  const spans = spansOf(s);
  if (s.words === 0) return { html: escapeHtml(Array.from(text).slice(0, 200).join('')), spans };
  const W = Math.max(1, opt.window);
  const chosen = s.hitWords.length === 0 ? [[0, Math.min(s.words, W)] as Window] : chooseWindows(s, m.keys.length, W, opt.fragments);
  const parts = chosen.map(([a, b]) => markup(text, spans, s.starts.raw[a], s.ends.raw[b - 1]));
  const lead = chosen[0][0] > 0 ? '… ' : '';
  const tail = chosen[chosen.length - 1][1] < s.words ? ' …' : '';
  return { html: lead + parts.join(' … ') + tail, spans };
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

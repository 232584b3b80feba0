/**
 * Highlighting: find the words of a text that match the query — by stem, by
 * surface form, by root or by prefix — and mark each WHOLE original word,
 * clitics and diacritics included. Snippets pick the windows richest in
 * distinct query terms. All text is HTML-escaped; the only markup is <mark>.
 */
import { FORMS_PACKER, NORM, PACKED_SEVERAL, PACKED_STOP, READING, ROOT, STOP, TERM, type Analyzer, type TermForms } from '../analysis/pipeline.js';
import { hashString, type WordTable } from '../analysis/words.js';
import type { ParsedQuery } from './query.js';
import type { Span } from './types.js';

/**
 * What a query highlights: its stems (and alternates), surface forms, roots
 * and prefixes. A match is reported as a small key number (index into `keys`
 * + 1). Words are first screened by the hashes the word table packs for each
 * entry, so a word that cannot match costs a few integer comparisons.
 */
export class Matcher {
  /** Distinct match keys met so far: a stem, √root or prefix*. */
  readonly keys: string[] = [];
  private readonly keyIds = new Map<string, number>();
  private readonly termHashes: Int32Array;
  private readonly normHashes: Int32Array;
  private readonly rootHashes: Int32Array;

  constructor(
    readonly terms: ReadonlySet<string>,
    readonly norms: ReadonlySet<string>,
    /** Root-level forms: a word matched only through its root is marked too. */
    readonly roots: ReadonlySet<string>,
    readonly prefixes: readonly string[],
  ) {
    this.termHashes = Int32Array.from(terms, hashString);
    this.normHashes = Int32Array.from(norms, hashString);
    this.rootHashes = Int32Array.from(roots, hashString);
  }

  /** 0 when word-table entry `entry` does not match, else its key's number. */
  codeOf(table: WordTable<TermForms>, entry: number): number {
    const p = table.packed;
    const at = entry * FORMS_PACKER.width;
    const flags = p[at];
    if (flags & PACKED_STOP) return 0;
    if (!(flags & PACKED_SEVERAL) && this.prefixes.length === 0 && !this.termHashes.includes(p[at + 1]) && !this.normHashes.includes(p[at + 2]) && !this.rootHashes.includes(p[at + 3])) return 0;
    const key = this.keyOf(table.value(entry));
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
  private keyOf(f: TermForms): string | null {
    for (let i = 0; i < f.length; i += READING) {
      if (f[i + STOP]) continue;
      if (this.terms.has(f[i + TERM]) || this.norms.has(f[i + NORM])) return f[i + TERM];
      if (this.roots.has(f[i + ROOT])) return `√${f[i + ROOT]}`;
      for (const p of this.prefixes) if (f[i + NORM].startsWith(p)) return `${p}*`;
    }
    return null;
  }
}

export function matcherFor(q: ParsedQuery): Matcher {
  return new Matcher(
    new Set(q.words.flatMap((w) => [w.term, ...w.alternates])),
    new Set(q.words.map((w) => w.norm)),
    new Set(q.words.map((w) => w.root)),
    q.prefixes,
  );
}

/** Growable Int32 list, reused between scans. */
class IntList {
  data = new Int32Array(256);
  length = 0;

  push(v: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = v;
  }
}

/** Words of a text (offsets) and which of them match, in buffers reused by the next scan. */
interface Scan {
  words: number;
  starts: IntList;
  ends: IntList;
  /** Word indexes of the matches, in order, and their key codes. */
  hitWords: IntList;
  hitCodes: IntList;
}

const scratch: Scan = { words: 0, starts: new IntList(), ends: new IntList(), hitWords: new IntList(), hitCodes: new IntList() };

function scan(analyzer: Analyzer, text: string, m: Matcher): Scan {
  const s = scratch;
  s.words = s.starts.length = s.ends.length = s.hitWords.length = s.hitCodes.length = 0;
  const table = analyzer.words;
  table.scan(text, (start, end, entry) => {
    const code = m.codeOf(table, entry);
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
    const w = s.hitWords.data[h];
    spans[h] = [s.starts.data[w], s.ends.data[w]];
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
  const parts = chosen.map(([a, b]) => markup(text, spans, s.starts.data[a], s.ends.data[b - 1]));
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
  const hits = s.hitWords.data;
  const codes = s.hitCodes.data;
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

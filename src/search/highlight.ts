/**
 * Highlighting: find the words of a text that match the query — by stem, by
 * surface form, by root or by prefix — and mark each WHOLE original word,
 * clitics and diacritics included. Snippets (snippet.ts) are cut from a scan.
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

  /**
   * 0 when a word that passed the probe (`screen`) does not match, else its
   * key's number: `Analyzer.scanMarked` calls it only for those words.
   */
  readonly codeOfCandidate = (w: Word): number => {
    const key = this.keyOf(w);
    return key === null ? 0 : this.idOf(key);
  };

  /** The probe words are screened by before codeOfCandidate. */
  get screen(): MatchProbe {
    return this.probe;
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
export interface Scan {
  words: number;
  starts: Growable<Int32Array>;
  ends: Growable<Int32Array>;
  /** Word indexes of the matches, in order, and their key codes. */
  hitWords: Growable<Int32Array>;
  hitCodes: Growable<Int32Array>;
}

const list = () => new Growable(Int32Array, 256);
const scratch: Scan = { words: 0, starts: list(), ends: list(), hitWords: list(), hitCodes: list() };

/**
 * The words of `text[from, to)` and which of them match; offsets are into
 * `text`. The scan is shared: it holds until the next call.
 */
export function scan(analyzer: Analyzer, text: string, m: Matcher, from = 0, to = text.length): Scan {
  const s = scratch;
  s.words = 0;
  s.starts.clear();
  s.ends.clear();
  s.hitWords.clear();
  s.hitCodes.clear();
  const piece = from === 0 && to === text.length ? text : text.slice(from, to);
  analyzer.scanMarked(piece, from, m.screen, s, m.codeOfCandidate);
  s.words = s.starts.length;
  return s;
}

/** The spans of a scan's matches, the first `max` of them. */
export function spansOf(s: Scan, max = Infinity): Span[] {
  const spans: Span[] = new Array(Math.min(max, s.hitWords.length));
  for (let h = 0; h < spans.length; h++) {
    const w = s.hitWords.raw[h];
    spans[h] = [s.starts.raw[w], s.ends.raw[w]];
  }
  return spans;
}

/** Spans of every matching word of `text`. */
export function matchSpans(analyzer: Analyzer, text: string, m: Matcher): Span[] {
  return spansOf(scan(analyzer, text, m));
}

/** How far back from a cut a space is looked for, so that the cut falls between words. */
const CUT_SLACK = 256;

const isSpace = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0 || c === 0x2028 || c === 0x2029 || c === 0x3000 || (c >= 0x2000 && c <= 0x200a);

/**
 * An offset at or before `at` (and after `floor`) where `text` can be cut
 * without splitting a word: just after the last space within CUT_SLACK
 * characters; inside a longer unbroken run, `at` itself, moved off the
 * middle of a surrogate pair.
 */
export function cutBefore(text: string, at: number, floor = 0): number {
  if (at >= text.length) return text.length;
  for (let i = at; i > Math.max(floor, at - CUT_SLACK); i--) if (isSpace(text.charCodeAt(i - 1))) return i;
  const c = text.charCodeAt(at - 1);
  return c >= 0xd800 && c <= 0xdbff && at - 1 > floor ? at - 1 : at;
}

/** Characters of text scanned at a time by boundedSpans. */
const CHUNK_CHARACTERS = 1 << 16;

/**
 * Spans of the matching words of `text`, at most `max`: the text is scanned a
 * chunk at a time and no further once `max` are found (`truncated` then).
 */
export function boundedSpans(analyzer: Analyzer, text: string, m: Matcher, max: number): { spans: Span[]; truncated: boolean } {
  const spans: Span[] = [];
  for (let from = 0; from < text.length; ) {
    const to = cutBefore(text, from + CHUNK_CHARACTERS, from);
    const s = scan(analyzer, text, m, from, to);
    for (const span of spansOf(s, max - spans.length + 1)) spans.push(span);
    if (spans.length > max) return { spans: spans.slice(0, max), truncated: true };
    from = to;
  }
  return { spans, truncated: false };
}

/**
 * Highlighting: find the words of a text that match the query — by stem, by
 * surface form, by root or by prefix — and mark each WHOLE original word,
 * clitics and diacritics included. Snippets (snippet.ts) are cut from a scan.
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
export interface Scan {
  words: number;
  starts: IntList;
  ends: IntList;
  /** Word indexes of the matches, in order, and their key codes. */
  hitWords: IntList;
  hitCodes: IntList;
}

const scratch: Scan = { words: 0, starts: new IntList(), ends: new IntList(), hitWords: new IntList(), hitCodes: new IntList() };

export function scan(analyzer: Analyzer, text: string, m: Matcher): Scan {
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

export function spansOf(s: Scan): Span[] {
  const spans: Span[] = new Array(s.hitWords.length);
  for (let h = 0; h < spans.length; h++) {
    const w = s.hitWords.data[h];
    spans[h] = [s.starts.data[w], s.ends.data[w]];
  }
  return spans;
}

/** Spans of every matching word of `text`. */
export function matchSpans(analyzer: Analyzer, text: string, m: Matcher): Span[] {
  return spansOf(scan(analyzer, text, m));
}

/**
 * Highlighting: find the words of a text that match the query — by stem, by
 * surface form, by root or by prefix — and mark each WHOLE original word,
 * clitics and diacritics included. Snippets pick the windows richest in
 * distinct query terms. All text is HTML-escaped; the only markup is <mark>.
 */
import type { Analyzer, TermForms } from '../analysis/pipeline.js';
import type { ParsedQuery } from './query.js';
import type { Span } from './types.js';

export interface Matcher {
  terms: ReadonlySet<string>;
  norms: ReadonlySet<string>;
  /** Root-level forms: a word matched only through its root is marked too. */
  roots: ReadonlySet<string>;
  prefixes: readonly string[];
}

export function matcherFor(q: ParsedQuery): Matcher {
  return {
    terms: new Set(q.words.flatMap((w) => [w.term, ...w.alternates])),
    norms: new Set(q.words.map((w) => w.norm)),
    roots: new Set(q.words.map((w) => w.root)),
    prefixes: q.prefixes,
  };
}

/** The key a word matches under (its stem, √root or prefix*), or null. */
function keyOf(f: TermForms, m: Matcher): string | null {
  for (let i = 0; i < f.norms.length; i++) {
    if (f.stops[i]) continue;
    if (m.terms.has(f.terms[i]) || m.norms.has(f.norms[i])) return f.terms[i];
    if (m.roots.has(f.roots[i])) return `√${f.roots[i]}`;
    for (const p of m.prefixes) if (f.norms[i].startsWith(p)) return `${p}*`;
  }
  return null;
}

/** Words of a text (offsets) and which of them match. */
interface Scan {
  words: number;
  starts: number[];
  ends: number[];
  /** Word indexes of the matches, in order, and their keys. */
  hitWords: number[];
  hitKeys: string[];
}

function scan(analyzer: Analyzer, text: string, m: Matcher): Scan {
  const s: Scan = { words: 0, starts: [], ends: [], hitWords: [], hitKeys: [] };
  const table = analyzer.words;
  table.scan(text, (start, end, entry) => {
    const key = keyOf(table.value(entry), m);
    if (key !== null) {
      s.hitWords.push(s.words);
      s.hitKeys.push(key);
    }
    s.starts.push(start);
    s.ends.push(end);
    s.words++;
  });
  return s;
}

function spansOf(s: Scan): Span[] {
  return s.hitWords.map((w) => [s.starts[w], s.ends[w]]);
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
  const n = s.words;
  let chosen: [number, number][] = [];
  if (s.hitWords.length === 0) chosen = [[0, Math.min(n, W)]];
  else {
    const covered = new Set<string>();
    const starts = [...new Set(s.hitWords.map((w) => Math.max(0, Math.min(w - Math.floor(W / 4), n - W))))];
    for (let f = 0; f < opt.fragments; f++) {
      let best: [number, number] | undefined;
      let bestScore = 0;
      for (const a of starts) {
        const b = Math.min(n, a + W);
        if (chosen.some(([x, y]) => a < y && x < b)) continue;
        const keys = new Set<string>();
        let count = 0;
        for (let h = 0; h < s.hitWords.length; h++) {
          const w = s.hitWords[h];
          if (w >= b) break;
          if (w >= a) {
            keys.add(s.hitKeys[h]);
            count++;
          }
        }
        let fresh = 0;
        for (const k of keys) if (!covered.has(k)) fresh++;
        if (f > 0 && fresh === 0) continue;
        const score = fresh * 1000 + keys.size * 10 + count;
        if (score > bestScore) {
          bestScore = score;
          best = [a, b];
        }
      }
      if (!best) break;
      chosen.push(best);
      for (let h = 0; h < s.hitWords.length; h++) if (s.hitWords[h] >= best[0] && s.hitWords[h] < best[1]) covered.add(s.hitKeys[h]);
    }
    chosen.sort((x, y) => x[0] - y[0]);
  }
  const parts = chosen.map(([a, b]) => markup(text, spans, s.starts[a], s.ends[b - 1]));
  const lead = chosen[0][0] > 0 ? '… ' : '';
  const tail = chosen[chosen.length - 1][1] < n ? ' …' : '';
  return { html: lead + parts.join(' … ') + tail, spans };
}

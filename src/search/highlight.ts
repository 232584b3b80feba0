/**
 * Highlighting: find the words of a text that match the query — by stem, by
 * surface form or by prefix — and mark each WHOLE original word, clitics and
 * diacritics included. Snippets pick the windows richest in distinct query
 * terms. All text is HTML-escaped; the only markup produced is <mark>.
 */
import type { Analyzer, AnalyzedToken } from '../analysis/pipeline.js';
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

/** The key a token matches under (its stem, or the prefix it starts with), or undefined. */
export function matchKey(t: AnalyzedToken, m: Matcher): string | undefined {
  if (t.stop) return undefined;
  if (m.terms.has(t.term) || m.norms.has(t.norm)) return t.term;
  if (m.roots.has(t.root)) return `√${t.root}`;
  for (const p of m.prefixes) if (t.norm.startsWith(p)) return `${p}*`;
  return undefined;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Merges touching or overlapping spans (a ligature can yield several tokens on one span). */
function mergeSpans(spans: Span[]): Span[] {
  const out: Span[] = [];
  for (const s of spans) {
    const last = out[out.length - 1];
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else out.push([s[0], s[1]]);
  }
  return out;
}

/** Spans of every matching word of `text`. */
export function matchSpans(analyzer: Analyzer, text: string, m: Matcher): Span[] {
  const spans: Span[] = [];
  for (const t of analyzer.analyze(text)) if (matchKey(t, m) !== undefined) spans.push([t.start, t.end]);
  return mergeSpans(spans);
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
  const words = analyzer.analyze(text, true);
  const hits: { i: number; key: string }[] = [];
  const spans: Span[] = [];
  words.forEach((t, i) => {
    const key = matchKey(t, m);
    if (key !== undefined) {
      hits.push({ i, key });
      spans.push([t.start, t.end]);
    }
  });
  const merged = mergeSpans(spans);
  if (words.length === 0) return { html: escapeHtml(Array.from(text).slice(0, 200).join('')), spans: merged };
  const W = Math.max(1, opt.window);
  const frame = (s: number): [number, number] => [s, Math.min(words.length, s + W)];
  let chosen: [number, number][] = [];
  if (hits.length === 0) chosen = [frame(0)];
  else {
    const covered = new Set<string>();
    const candidates = [...new Set(hits.map((h) => Math.max(0, Math.min(h.i - Math.floor(W / 4), words.length - W))))];
    for (let f = 0; f < opt.fragments; f++) {
      let best: [number, number] | undefined;
      let bestScore = 0;
      for (const s of candidates) {
        const [a, b] = frame(s);
        if (chosen.some(([x, y]) => a < y && x < b)) continue;
        const keys = new Set<string>();
        let count = 0;
        for (const h of hits) {
          if (h.i >= a && h.i < b) {
            keys.add(h.key);
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
      for (const h of hits) if (h.i >= best[0] && h.i < best[1]) covered.add(h.key);
    }
    chosen.sort((x, y) => x[0] - y[0]);
  }
  const parts = chosen.map(([a, b]) => markup(text, merged, words[a].start, words[b - 1].end));
  const lead = chosen[0][0] > 0 ? '… ' : '';
  const tail = chosen[chosen.length - 1][1] < words.length ? ' …' : '';
  return { html: lead + parts.join(' … ') + tail, spans: merged };
}

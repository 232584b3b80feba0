/**
 * Query syntax: plain words (ranked OR, or AND with mode=all), "exact phrase",
 * -excluded, prefix*. Anything else is text: a query never fails to parse.
 */
import type { Analyzer } from '../analysis/pipeline.js';
import { MAX_PHRASE_SPAN } from '../index/positions.js';
import { FahrasError } from '../common/errors.js';

/** One analyzed query word. */
export interface QueryWord {
  /** Light stem: the word's main term. */
  stem: string;
  norm: string;
  root: string;
  /** Stems of other readings (a leading letter read as a proclitic), scored more lightly. */
  alternates: string[];
}

export interface QueryPhrase {
  /** Non-stop words (their stems) with their position relative to the phrase's first word. */
  words: { stem: string; offset: number }[];
  text: string;
}

export interface ParsedQuery {
  /** Scored words: plain words and the words of phrases, deduplicated by stem. */
  words: QueryWord[];
  /** Normalized prefixes of `word*` items (at least two letters). */
  prefixes: string[];
  phrases: QueryPhrase[];
  /** Stems that a matching document must not contain. */
  excluded: string[];
}

const MIN_PREFIX = 2;
/** Phrases matched per query; each costs walking its words' postings. */
export const MAX_PHRASES = 8;

/** A search request the library cannot run as given (bad paging or filter values). */
export class QueryError extends FahrasError {
  override name = 'QueryError';
  override readonly kind = 'invalid_parameter';
}

/** Splits the raw query into items: quoted phrases and whitespace-separated words. */
export function splitQuery(raw: string): { kind: 'phrase' | 'word'; text: string }[] {
  const items: { kind: 'phrase' | 'word'; text: string }[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  const quotes = (raw.match(/"/g) ?? []).length;
  // An unbalanced quote is read as ordinary text.
  const src = quotes % 2 === 1 ? raw.replace(/"/g, ' ') : raw;
  for (const m of src.matchAll(re)) {
    if (m[1] !== undefined) {
      if (m[1].trim()) items.push({ kind: 'phrase', text: m[1] });
    } else items.push({ kind: 'word', text: m[2] });
  }
  return items;
}

export function parseQuery(raw: string, analyzer: Analyzer): ParsedQuery {
  const q: ParsedQuery = { words: [], prefixes: [], phrases: [], excluded: [] };
  const seen = new Set<string>();
  const phraseKeys = new Set<string>();
  const addWord = (stem: string, norm: string, root: string): void => {
    if (seen.has(stem)) return;
    seen.add(stem);
    q.words.push({ stem, norm, root, alternates: analyzer.procliticReadings(norm) });
  };
  for (const item of splitQuery(raw)) {
    if (item.kind === 'phrase') {
      const tokens = analyzer.analyze(item.text, true);
      const content = tokens.filter((t) => !t.stop);
      if (content.length === 0) continue;
      if (content.length === 1) {
        addWord(content[0].stem, content[0].norm, content[0].root);
        continue;
      }
      const first = content[0].position;
      const words = content.map((t) => ({ stem: t.stem, offset: t.position - first }));
      const key = JSON.stringify(words);
      // The same phrase twice adds nothing; past MAX_PHRASES, and beyond MAX_PHRASE_SPAN words, phrases count as plain words.
      if (!phraseKeys.has(key) && q.phrases.length < MAX_PHRASES && words[words.length - 1].offset <= MAX_PHRASE_SPAN) {
        phraseKeys.add(key);
        q.phrases.push({ words, text: item.text });
      }
      for (const t of content) addWord(t.stem, t.norm, t.root);
      continue;
    }
    let text = item.text;
    if (text.length > 1 && text.startsWith('-')) {
      for (const t of analyzer.analyze(text.slice(1))) q.excluded.push(t.stem);
      continue;
    }
    const isPrefix = text.length > 1 && text.endsWith('*');
    if (isPrefix) text = text.replace(/\*+$/, '');
    const tokens = analyzer.analyze(text, isPrefix);
    tokens.forEach((t, i) => {
      const last = i === tokens.length - 1;
      if (isPrefix && last && t.norm.length >= MIN_PREFIX) {
        if (!q.prefixes.includes(t.norm)) q.prefixes.push(t.norm);
      } else if (!t.stop) addWord(t.stem, t.norm, t.root);
    });
  }
  return q;
}

/** True when the query has nothing to match with (only stop words, marks or punctuation). */
export function isEmptyQuery(q: ParsedQuery): boolean {
  return q.words.length === 0 && q.prefixes.length === 0;
}

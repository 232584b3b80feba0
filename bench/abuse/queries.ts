/**
 * The catalogue of expensive queries: the slowest valid queries we could
 * construct against the SaudiNewsNet indexes, each within the API's limits
 * (512 characters). Built from the index's most frequent surface forms, so
 * the same strings are sent to every build compared.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MAX_QUERY_LENGTH } from '../../src/common/limits.js';

export interface Costly {
  name: string;
  q: string;
  mode?: 'any' | 'all';
  limit?: number;
}

/** The most frequent surface forms of at least three letters that are not stop words, most frequent first. */
export async function commonWords(dist: string, index: string, n = 120): Promise<string[]> {
  const lib = (await import(pathToFileURL(resolve(dist, 'lib.js')).href)) as typeof import('../../src/lib.js');
  const s = await lib.openIndex(index);
  const lex = s.index.segments[0].reader.norms;
  const order = [...lex.terms.keys()].sort((a, b) => lex.df[b] - lex.df[a]);
  const out: string[] = [];
  for (const id of order) {
    const t = lex.readable(id);
    if (t.length > 2 && !s.analyzer.isStopWord(s.analyzer.normalize(t))) out.push(t);
    if (out.length === n) break;
  }
  s.close();
  return out;
}

const fit = (s: string): string => {
  if (s.length <= MAX_QUERY_LENGTH) return s;
  const cut = s.slice(0, MAX_QUERY_LENGTH);
  // End on a whole item (a cut phrase would lose its closing quote).
  return cut.slice(0, cut.lastIndexOf(' ') > 0 ? cut.lastIndexOf(' ') : cut.length);
};

export function catalogue(words: string[]): Costly[] {
  const pairs = Array.from({ length: 8 }, (_, i) => `"${words[i]} ${words[i + 1]}"`).join(' ');
  const prefixes = [...new Set(words.map((w) => w.slice(0, 2)))].map((p) => `${p}*`).join(' ');
  return [
    { name: 'a phrase of a common word twice ("عام عام")', q: '"عام عام"' },
    { name: 'the same phrase 34 times (512 characters)', q: fit('"عام عام" '.repeat(60)) },
    { name: '8 phrases of pairs of common words', q: fit(pairs) },
    { name: 'a phrase of 60 common words', q: fit(`"${words.slice(0, 60).join(' ')}"`) },
    { name: 'the prefix ال* 128 times', q: fit('ال* '.repeat(128)) },
    { name: 'every distinct two-letter prefix of common words', q: fit(prefixes) },
    { name: 'the same, 100 hits with snippets', q: fit(prefixes), limit: 100 },
    { name: '512 characters of common words', q: fit(words.join(' ')) },
    { name: '512 characters of common words, mode=all', q: fit(words.join(' ')), mode: 'all' },
    { name: 'a rare word excluding 60 common ones', q: fit(`النفط ${words.slice(0, 60).map((w) => `-${w}`).join(' ')}`) },
    { name: 'common words misspelled (did-you-mean)', q: fit(words.map((w) => [...w].reverse().join('')).join(' ')) },
    { name: 'a 512-letter word', q: 'ن'.repeat(512) },
  ];
}

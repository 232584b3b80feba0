/**
 * The fixed query log: 1,000 queries drawn with a seeded PRNG (mulberry32,
 * seed 42) from the titles of the 1× corpus — 40% one word, 40% two
 * consecutive words, 20% three — and 1,000 suggest prefixes (the first 1–4
 * letters of a word of each query). Words are runs of letters/marks/digits with
 * at least two letters; punctuation is dropped. The same log serves every
 * scale (the 4× corpus repeats the 1× titles), so costs compare across scales.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OUT, ensureDirs } from './common.js';
import { CORPUS_1X, records } from './corpus.js';

export const QUERY_COUNT = 1000;
export const SEED = 42;

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORD = /[\p{L}\p{M}\p{Nd}]+/gu;
const LETTER = /\p{L}/gu;

export function titleWords(title: string): string[] {
  return (title.match(WORD) ?? []).filter((w) => (w.match(LETTER) ?? []).length >= 2);
}

export interface QueryLog {
  queries: string[];
  prefixes: string[];
}

export async function makeQueryLog(scale: number, count = QUERY_COUNT, seed = SEED): Promise<QueryLog> {
  const titles: string[][] = [];
  for await (const r of records(CORPUS_1X)) {
    const words = titleWords(r.title ?? '');
    if (words.length) titles.push(words);
  }
  const rand = mulberry32(seed);
  const pick = (n: number): number => Math.floor(rand() * n);
  const queries: string[] = [];
  const prefixes: string[] = [];
  while (queries.length < count) {
    const u = rand();
    const k = u < 0.4 ? 1 : u < 0.8 ? 2 : 3;
    const words = titles[pick(titles.length)];
    if (words.length < k) continue;
    const at = pick(words.length - k + 1);
    const q = words.slice(at, at + k);
    queries.push(q.join(' '));
    const w = q[pick(q.length)];
    prefixes.push(w.slice(0, 1 + pick(4)));
  }
  ensureDirs();
  writeFileSync(join(OUT, `queries-${scale}.txt`), queries.join('\n') + '\n');
  writeFileSync(join(OUT, `prefixes-${scale}.txt`), prefixes.join('\n') + '\n');
  return { queries, prefixes };
}

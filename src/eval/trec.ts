/** TREC formats: query files (qid<TAB>text), qrels (qid 0 docid rel) and run files. */
import { readFileSync } from 'node:fs';
import { FahrasError } from '../common/errors.js';

export class TrecFormatError extends FahrasError {
  override name = 'TrecFormatError';
  override readonly kind = 'invalid_input';
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8').replace(/^\ufeff/, '');
  } catch (e) {
    throw new TrecFormatError(`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

export function parseQueries(text: string, file = 'queries'): { qid: string; text: string }[] {
  const out: { qid: string; text: string }[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const tab = line.indexOf('\t');
    if (tab <= 0) throw new TrecFormatError(`${file}:${i + 1}: expected "qid<TAB>query"`);
    out.push({ qid: line.slice(0, tab).trim(), text: line.slice(tab + 1) });
  });
  return out;
}

export function readQueries(file: string): { qid: string; text: string }[] {
  return parseQueries(readText(file), file);
}

export function parseQrels(text: string, file = 'qrels'): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const f = line.trim().split(/\s+/);
    const rel = Number(f[3]);
    if (f.length !== 4 || !Number.isFinite(rel)) throw new TrecFormatError(`${file}:${i + 1}: expected "qid 0 docid relevance"`);
    if (!out.has(f[0])) out.set(f[0], new Map());
    out.get(f[0])!.set(f[2], rel);
  });
  return out;
}

export function readQrels(file: string): Map<string, Map<string, number>> {
  return parseQrels(readText(file), file);
}

/** One run line: `qid Q0 docid rank score tag`. */
export function runLine(qid: string, docid: string, rank: number, score: number, tag = 'fahras'): string {
  return `${qid} Q0 ${docid} ${rank} ${score.toFixed(6)} ${tag}`;
}

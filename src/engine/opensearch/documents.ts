/**
 * A document as the cluster receives it: what is shown (id, title, text,
 * metadata), the source and date it is filtered by, and fahras's own terms
 * for it — the text's, then the title's TITLE_REPEATS times, each field one
 * space-joined string with the stop mark where a stop word stands. The
 * analysis is fahras's Analyzer, word by word, exactly as the local index
 * reads documents (one position per reading, stop words counted).
 */
import type { Analyzer, Word } from '../../analysis/pipeline.js';
import { displayForm } from '../../analysis/normalize.js';
import { MAX_QUERY_LENGTH } from '../../common/limits.js';
import { parseDate } from '../../index/dates.js';
import type { StoredDocument } from '../../search/types.js';
import { DAY_MS, STOP_MARK, TITLE_REPEATS } from './mapping.js';

/** The body of a document in the cluster. */
export interface ClusterDocument {
  id: string;
  title: string;
  text: string;
  metadata: Record<string, unknown>;
  source?: string;
  /** Epoch milliseconds of the document's day. */
  date?: number;
  stems: string[];
  norms: string[];
  roots: string[];
}

/** Hears what a document holds: each distinct surface form (with a way to read it as written), each stem occurrence. */
export interface DocumentObserver {
  form(norm: string, display: () => string): void;
  stem(stem: string): void;
}

interface FieldTerms {
  stems: string;
  norms: string;
  roots: string;
}

/** The terms of one field, in order, stop words as the mark. */
function fieldTerms(analyzer: Analyzer, text: string, visit: (w: Word, i: number) => void): FieldTerms {
  const stems: string[] = [];
  const norms: string[] = [];
  const roots: string[] = [];
  analyzer.scan(text, (_start, _end, w) => {
    for (let i = 0, n = w.readings; i < n; i++) {
      if (w.isStop(i)) {
        stems.push(STOP_MARK);
        norms.push(STOP_MARK);
        roots.push(STOP_MARK);
        continue;
      }
      stems.push(w.stem(i));
      norms.push(w.norm(i));
      roots.push(w.root(i));
      visit(w, i);
    }
  });
  return { stems: stems.join(' '), norms: norms.join(' '), roots: roots.join(' ') };
}

/** The source a document is faceted and filtered by: its `source` when that is a non-empty string, as the local index reads it. */
export function sourceOf(doc: StoredDocument): string | undefined {
  const s = doc.metadata.source;
  return typeof s === 'string' && s !== '' ? s : undefined;
}

/**
 * The cluster's body for `doc`. `observer` hears every distinct surface form
 * of the document (text first, then title: the order in which the local index
 * meets them, so the first spelling recorded is the same) and every stem.
 */
export function clusterDocument(analyzer: Analyzer, doc: StoredDocument, observer?: DocumentObserver): ClusterDocument {
  const seen = observer && new Set<string>();
  const visit = (w: Word, i: number) => {
    if (!seen || !observer) return;
    observer.stem(w.stem(i));
    const norm = w.norm(i);
    if (seen.has(norm)) return;
    seen.add(norm);
    const several = w.readings > 1;
    const surface = w.surface;
    observer.form(norm, () => (several ? norm : displayForm(surface)));
  };
  const text = fieldTerms(analyzer, doc.text, visit);
  const title = fieldTerms(analyzer, doc.title, visit);
  const repeat = (field: keyof FieldTerms) => [text[field], ...Array.from({ length: TITLE_REPEATS }, () => title[field])];
  const body: ClusterDocument = { id: doc.id, title: doc.title, text: doc.text, metadata: doc.metadata, stems: repeat('stems'), norms: repeat('norms'), roots: repeat('roots') };
  const source = sourceOf(doc);
  if (source !== undefined) body.source = source;
  const day = parseDate(doc.metadata.date);
  if (day !== undefined) body.date = day * DAY_MS;
  return body;
}

/** What a document shows, from its `_source` in the cluster. */
export function storedDocument(source: Partial<ClusterDocument>): StoredDocument {
  return { id: String(source.id), title: source.title ?? '', text: source.text ?? '', metadata: source.metadata ?? {} };
}

/** A form the word list keeps: one a query can hold (no query is longer than MAX_QUERY_LENGTH). */
export function listedForm(norm: string): boolean {
  return norm.length <= MAX_QUERY_LENGTH;
}

/**
 * Counts, over a build, the documents holding each surface form and the
 * spelling it was first seen in: the word list of the build.
 */
export class FormCounter implements DocumentObserver {
  private readonly forms = new Map<string, { df: number; display: string }>();
  /** Distinct stems (the index's term count). */
  readonly stems = new Set<string>();

  form(norm: string, display: () => string): void {
    if (!listedForm(norm)) return;
    const f = this.forms.get(norm);
    if (f) f.df++;
    else this.forms.set(norm, { df: 1, display: display() });
  }

  stem(stem: string): void {
    this.stems.add(stem);
  }

  /** Takes back the forms of a document the cluster refused. */
  forget(body: ClusterDocument): void {
    const distinct = new Set(body.norms.flatMap((field) => field.split(' ')));
    for (const norm of distinct) {
      const f = this.forms.get(norm);
      if (f && --f.df === 0) this.forms.delete(norm);
    }
  }

  get size(): number {
    return this.forms.size;
  }

  async *entries(): AsyncGenerator<{ norm: string; display: string; df: number }> {
    for (const [norm, f] of this.forms) yield { norm, display: f.display, df: f.df };
  }
}

/**
 * The word list of a build in the cluster: one document per surface form
 * with the number of documents holding it and the spelling it was first seen
 * in. It answers what the local index's lexicon answers — the most frequent
 * completions of a prefix (suggestions, `prefix*` expansion) and the forms
 * near a misspelling (did-you-mean) — at a cost that does not grow with the
 * number of documents. Writes keep its counts (adjust), without scripts: the
 * counts are read, changed and written back under optimistic concurrency.
 */
import type { Client } from '@opensearch-project/opensearch';
import { FahrasError } from '../../common/errors.js';
import { OPENSEARCH_FUZZY_CANDIDATES } from '../../common/limits.js';
import { FUZZY_ALL_BELOW } from '../../index/lexicon.js';
import { clusterId } from './mapping.js';

export interface ListedForm {
  norm: string;
  display: string;
  df: number;
}

interface FormHit {
  _id: string;
  _source: ListedForm;
  _seq_no?: number;
  _primary_term?: number;
  found?: boolean;
}

/** Times a count change is tried again after another writer changed the same form. */
const CONFLICT_RETRIES = 5;

/** Edit distance (insertions, deletions, substitutions) of two strings, by UTF-16 unit. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

export class WordList {
  constructor(
    private readonly client: Client,
    readonly index: string,
  ) {}

  private async hits(body: Record<string, unknown>): Promise<ListedForm[]> {
    const r = await this.client.search({ index: this.index, body: body as never });
    return (r.body as unknown as { hits: { hits: FormHit[] } }).hits.hits.map((h) => h._source);
  }

  /** The `limit` most frequent forms starting with `prefix`, most frequent first (ties: in term order, as the local lexicon). */
  async topByPrefix(prefix: string, limit: number): Promise<ListedForm[]> {
    if (limit <= 0) return [];
    return this.hits({
      size: limit,
      query: { bool: { filter: [{ prefix: { norm: prefix } }, { range: { df: { gt: 0 } } }] } },
      // The list's own order (mapping.ts): without a total to count, the search ends after `limit` forms.
      sort: [{ df: 'desc' }, { norm: 'asc' }],
      track_total_hits: false,
      _source: ['norm', 'display', 'df'],
    });
  }

  /**
   * Forms within `maxEdits` edits of `norm`, nearest first, then the most
   * frequent, then in term order. Like the local lexicon, a list of
   * FUZZY_ALL_BELOW forms or more leaves out those held by one document
   * (typos themselves, mostly); `size` is the list's size.
   */
  async nearest(norm: string, maxEdits: number, size: number): Promise<ListedForm[]> {
    const found = await this.hits({
      size: OPENSEARCH_FUZZY_CANDIDATES,
      query: {
        bool: {
          must: [{ fuzzy: { norm: { value: norm, fuzziness: maxEdits, transpositions: false, prefix_length: 0, max_expansions: OPENSEARCH_FUZZY_CANDIDATES } } }],
          filter: [{ range: { df: { gte: size < FUZZY_ALL_BELOW ? 1 : 2 } } }],
        },
      },
      _source: ['norm', 'display', 'df'],
    });
    return found
      .map((f) => ({ f, distance: editDistance(norm, f.norm) }))
      .filter((x) => x.distance <= maxEdits)
      .sort((a, b) => a.distance - b.distance || b.f.df - a.f.df || (a.f.norm < b.f.norm ? -1 : 1))
      .map((x) => x.f);
  }

  /**
   * Adds `delta` documents to each form's count (a write put or removed
   * documents holding it); a form new to the list takes `display`. Forms
   * left with no document are removed. Retries what another writer changed
   * meanwhile; resolves once the list is searchable.
   */
  async adjust(deltas: ReadonlyMap<string, { delta: number; display: string }>): Promise<void> {
    let pending = [...deltas].filter(([, d]) => d.delta !== 0);
    for (let attempt = 0; pending.length && attempt <= CONFLICT_RETRIES; attempt++) {
      const ids = pending.map(([norm]) => clusterId(norm));
      const got = await this.client.mget({ index: this.index, body: { ids } });
      const docs = (got.body as unknown as { docs: FormHit[] }).docs;
      const body: unknown[] = [];
      pending.forEach(([norm, d], i) => {
        const cur = docs[i];
        const id = ids[i];
        const df = (cur.found ? cur._source.df : 0) + d.delta;
        const guard = cur.found ? { if_seq_no: cur._seq_no, if_primary_term: cur._primary_term } : {};
        if (df <= 0) {
          if (cur.found) body.push({ delete: { _index: this.index, _id: id, ...guard } });
          return;
        }
        body.push(cur.found ? { index: { _index: this.index, _id: id, ...guard } } : { create: { _index: this.index, _id: id } });
        body.push({ norm, display: cur.found ? cur._source.display : d.display, df });
      });
      if (!body.length) return;
      const r = await this.client.bulk({ body: body as never, refresh: 'wait_for' });
      const items = (r.body as unknown as { items: Record<string, { _id: string; status: number }>[] }).items;
      // 409: another writer changed the form between our read and write; read it again.
      const conflicted = new Set(items.map((it) => Object.values(it)[0]).filter((it) => it.status === 409).map((it) => it._id));
      const failed = items.map((it) => Object.values(it)[0]).filter((it) => it.status >= 300 && it.status !== 409 && it.status !== 404);
      if (failed.length) throw new FahrasError(`the word list refused ${failed.length} count changes (status ${failed[0].status})`, 'unavailable');
      pending = pending.filter(([norm]) => conflicted.has(clusterId(norm)));
    }
  }
}

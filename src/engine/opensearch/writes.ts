/**
 * Writes (puts and deletes by id) on the cluster. What is guaranteed, and
 * what the cluster does not allow:
 *
 *  - The documents the batches touch are read first, so each batch's outcome
 *    (added, replaced, deleted, not found) is told as locally, the last
 *    operation on an id within a batch deciding.
 *  - Every operation of a write goes in one bulk request with
 *    `refresh=wait_for`: the write is answered once every operation is
 *    applied on its shard's copies and visible to searches (read-your-writes).
 *  - A bulk request is not a transaction: the cluster applies its operations
 *    shard by shard. When one fails, the ones that succeeded are undone
 *    (replaced documents put back, added ones deleted, deleted ones restored
 *    from what was read first) and the write fails with the ids and the
 *    cluster's reasons, so a batch is applied whole or not at all — unless the
 *    cluster fails again during the undo; then the error says which
 *    documents may have kept the new state.
 *  - Not isolated: a search running while a write is applied may see part of
 *    it. Writers in other processes are not serialized with this one: the
 *    last write of an id wins, and the word list's counts may drift until the
 *    next build.
 */
import type { Client } from '@opensearch-project/opensearch';
import type { Logger } from 'pino';
import type { Analyzer } from '../../analysis/pipeline.js';
import { FahrasError } from '../../common/errors.js';
import type { BatchOutcome, WriteOp } from '../../index/writer.js';
import type { StoredDocument } from '../../search/types.js';
import { clusterError, describeFailure } from './connection.js';
import { clusterDocument, storedDocument, type ClusterDocument, type DocumentObserver } from './documents.js';
import { clusterId } from './mapping.js';
import type { WordList } from './word-list.js';

/** What a write did: per batch, and overall. */
export interface AppliedWrite {
  outcomes: BatchOutcome[];
  /** Live documents gained (negative: lost). */
  documentsDelta: number;
}

interface BulkItem {
  status: number;
  error?: { type?: string; reason?: string };
}

/** How many more (or fewer) documents hold each surface form after a write, with the spelling first seen. */
class FormDeltas {
  readonly deltas = new Map<string, { delta: number; display: string }>();

  /** An observer counting the forms of a document `sign` times. */
  observer(sign: 1 | -1): DocumentObserver {
    return {
      form: (norm, display) => {
        const d = this.deltas.get(norm);
        if (d) d.delta += sign;
        else this.deltas.set(norm, { delta: sign, display: display() });
      },
      stem: () => undefined,
    };
  }
}

/** The final operation on each id across the batches, and each batch's outcome. */
function plan(batches: readonly (readonly WriteOp[])[], existing: ReadonlyMap<string, StoredDocument>): { outcomes: BatchOutcome[]; last: Map<string, WriteOp> } {
  const state = new Map<string, boolean>();
  const exists = (id: string) => state.get(id) ?? existing.has(id);
  const last = new Map<string, WriteOp>();
  const outcomes = batches.map((batch) => {
    const o: BatchOutcome = { added: [], replaced: [], deleted: [], notFound: [] };
    const inBatch = new Map<string, WriteOp>();
    for (const op of batch) {
      const id = op.op === 'put' ? op.doc.id : op.id;
      inBatch.delete(id);
      inBatch.set(id, op);
    }
    for (const [id, op] of inBatch) {
      const had = exists(id);
      if (op.op === 'put') (had ? o.replaced : o.added).push(id);
      else (had ? o.deleted : o.notFound).push(id);
      state.set(id, op.op === 'put');
      last.set(id, op);
    }
    return o;
  });
  return { outcomes, last };
}

export class ClusterWriter {
  constructor(
    private readonly client: Client,
    private readonly analyzer: Analyzer,
    private readonly logger?: Logger,
  ) {}

  /** The documents with these ids as they are now. */
  private async read(index: string, ids: readonly string[]): Promise<Map<string, StoredDocument>> {
    const out = new Map<string, StoredDocument>();
    if (!ids.length) return out;
    const r = await this.client.mget({ index, body: { ids: ids.map(clusterId) } });
    for (const d of (r.body as unknown as { docs: { found?: boolean; _source?: Partial<ClusterDocument> }[] }).docs) {
      if (d.found && d._source) out.set(String(d._source.id), storedDocument(d._source));
    }
    return out;
  }

  /** Applies `batches` to `index`, keeping the word list's counts; see the file's comment for what is guaranteed. */
  async write(index: string, words: WordList, batches: readonly (readonly WriteOp[])[]): Promise<AppliedWrite> {
    const ids = [...new Set(batches.flatMap((b) => b.map((op) => (op.op === 'put' ? op.doc.id : op.id))))];
    let before: Map<string, StoredDocument>;
    try {
      before = await this.read(index, ids);
    } catch (e) {
      throw clusterError('The search cluster cannot take the write now, and nothing was changed', e, 'unavailable');
    }
    const { outcomes, last } = plan(batches, before);
    const forms = new FormDeltas();
    const added = forms.observer(1);
    const removed = forms.observer(-1);
    const body: unknown[] = [];
    const sent: string[] = [];
    for (const [id, op] of last) {
      const old = before.get(id);
      if (old) clusterDocument(this.analyzer, old, removed);
      if (op.op === 'put') {
        body.push({ index: { _index: index, _id: clusterId(id) } }, clusterDocument(this.analyzer, op.doc, added));
        sent.push(id);
      } else if (old) {
        body.push({ delete: { _index: index, _id: clusterId(id) } });
        sent.push(id);
      }
    }
    if (sent.length) await this.send(index, body, sent, before, last);
    // The documents are written; a word list that lags only makes suggestions a little off until the next build.
    await words.adjust(forms.deltas).catch((e: unknown) => this.logger?.warn({ reason: describeFailure(e) }, 'the word list could not follow a write; suggestions may be a little off until the next build'));
    const now = (id: string) => last.get(id)?.op === 'put';
    const documentsDelta = ids.reduce((n, id) => n + (now(id) ? 1 : 0) - (before.has(id) ? 1 : 0), 0);
    return { outcomes, documentsDelta };
  }

  /** Sends the bulk; on a partial failure, undoes what succeeded and throws. */
  private async send(index: string, body: unknown[], sent: string[], before: ReadonlyMap<string, StoredDocument>, last: ReadonlyMap<string, WriteOp>): Promise<void> {
    let items: BulkItem[];
    try {
      const r = await this.client.bulk({ body: body as never, refresh: 'wait_for' });
      items = (r.body as unknown as { items: Record<string, BulkItem>[] }).items.map((it) => Object.values(it)[0]);
    } catch (e) {
      // The request itself failed: some operations may have been applied. Put every document back as it was.
      await this.undo(index, sent, before, last).catch(() => undefined);
      throw clusterError('The search cluster failed during the write; the documents were put back as they were where it allowed', e, 'unavailable');
    }
    const failed = items.map((it, i) => ({ id: sent[i], it })).filter((x) => x.it.status >= 300 && !(x.it.status === 404 && last.get(x.id)?.op === 'delete'));
    if (!failed.length) return;
    const succeeded = sent.filter((_id, i) => items[i].status < 300);
    let undone = true;
    try {
      await this.undo(index, succeeded, before, last);
    } catch {
      undone = false;
    }
    const reasons = failed
      .slice(0, 5)
      .map((f) => `"${f.id}": ${f.it.error?.type ?? f.it.status}${f.it.error?.reason ? ` (${f.it.error.reason.slice(0, 200)})` : ''}`)
      .join('; ');
    const busy = failed.every((f) => f.it.status === 429 || f.it.status >= 500);
    const state = undone ? 'nothing was changed' : `the cluster failed again while the others were put back: ${succeeded.slice(0, 20).map((id) => `"${id}"`).join(', ')} may hold the new version`;
    throw new FahrasError(`The search cluster refused ${failed.length} of the write's ${sent.length} operations (${reasons}); ${state}.`, busy ? 'unavailable' : 'invalid_input');
  }

  /** Puts the documents `ids` back as they were before the write. */
  private async undo(index: string, ids: readonly string[], before: ReadonlyMap<string, StoredDocument>, last: ReadonlyMap<string, WriteOp>): Promise<void> {
    const body: unknown[] = [];
    for (const id of ids) {
      const old = before.get(id);
      if (old) body.push({ index: { _index: index, _id: clusterId(id) } }, clusterDocument(this.analyzer, old));
      else if (last.get(id)?.op === 'put') body.push({ delete: { _index: index, _id: clusterId(id) } });
    }
    if (!body.length) return;
    const r = await this.client.bulk({ body: body as never, refresh: 'wait_for' });
    if ((r.body as unknown as { errors: boolean }).errors) throw new Error('undo refused');
  }
}

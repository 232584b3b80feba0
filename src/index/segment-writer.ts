/**
 * Writes one segment from a stream of documents: analysis and postings on
 * this thread (IndexBuilder), compression of the stored documents on a worker
 * (DocumentStoreWriter), then the files laid out in the generation folder.
 * Used by full builds, update batches and merges alike.
 */
import type { Analyzer } from '../analysis/pipeline.js';
import type { Document } from '../ingest/document.js';
import { IndexBuilder } from './builder.js';
import type { SegmentEntry } from './format.js';
import { DocumentStoreWriter } from './store.js';

/**
 * Writes segment `name` of `docs` into `dir`; `onDocument` is called after
 * each document with the count so far. Returns undefined (and writes nothing
 * lasting) when the stream held no document.
 */
export async function writeSegment(analyzer: Analyzer, dir: string, name: string, docs: AsyncIterable<Document> | Iterable<Document>, onDocument?: (count: number) => void): Promise<SegmentEntry | undefined> {
  const builder = new IndexBuilder(analyzer);
  const store = new DocumentStoreWriter(dir, name);
  try {
    for await (const doc of docs) {
      builder.add(doc);
      await store.add(doc);
      onDocument?.(builder.count);
    }
    if (builder.count === 0) {
      await store.abort();
      return undefined;
    }
    const files = await store.close();
    return builder.writeSegment(dir, name, { files, offsets: store.offsets.toArray(), crcs: store.crcs.toArray() });
  } catch (e) {
    await store.abort();
    throw e;
  }
}

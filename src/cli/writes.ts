/**
 * What the commands that change an index (`index --update`, `delete`,
 * `compact`) share: a writer that waits --wait seconds for another writer
 * and merges by FAHRAS_MERGE_FACTOR, the check that there is an index to
 * change, and the words that describe the generation a write leaves.
 */
import { DEFAULT_MERGE_FACTOR, readEnvironment } from '../common/config.js';
import { MERGE_MAX_DOCUMENTS } from '../common/limits.js';
import { readManifest } from '../index/manifest.js';
import { IndexWriter, type CommitInfo } from '../index/writer.js';
import type { Manifest } from '../index/format.js';

export function openWriter(dir: string, waitSeconds: number | undefined): IndexWriter {
  const mergeFactor = readEnvironment().FAHRAS_MERGE_FACTOR ?? DEFAULT_MERGE_FACTOR;
  return new IndexWriter(dir, { lockWaitMs: waitSeconds === undefined ? undefined : waitSeconds * 1000, policy: { mergeFactor, maxMergeDocuments: MERGE_MAX_DOCUMENTS } });
}

/** The manifest of the live generation; an IndexError (exit 1) saying how to build one when there is no index. */
export function existingIndex(dir: string): Manifest {
  return readManifest(dir).manifest;
}

/** Merges by the policy until it asks for nothing more; the last merge's commit, if any. */
export async function mergeByPolicy(writer: IndexWriter): Promise<CommitInfo | undefined> {
  let last: CommitInfo | undefined;
  for (let c = await writer.merge(); c; c = await writer.merge()) last = c;
  return last;
}

const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

/** "generation gen-…: 1,234 documents in 3 segments, 5 deleted awaiting a merge" */
export function generationLine(c: CommitInfo): string {
  return `generation ${c.generation}: ${count(c.documents, 'document')} in ${count(c.segments, 'segment')}, ${c.deleted.toLocaleString('en')} deleted awaiting a merge`;
}

export { count };

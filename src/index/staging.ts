/**
 * Segments written ahead of their commit. The documents of an update or a
 * merge are analysed and written into a staging folder of the index (a
 * temporary: the next writer removes it if this process dies), without the
 * folder's lock; the commit then only links the finished files into the new
 * generation under the segment name it gives them. So the lock is held for
 * the commit alone, and a long merge or a large update never keeps another
 * writer waiting for its analysis.
 */
import { join } from 'node:path';
import type { Analyzer } from '../analysis/pipeline.js';
import type { Document } from '../ingest/document.js';
import { linkOrCopy } from './files.js';
import type { SegmentEntry } from './format.js';
import { discardGeneration, newTemporaryDir } from './generations.js';
import { writeSegment } from './segment-writer.js';

/** The name of a segment while staged; committed segments are numbered from s1. */
const STAGED_NAME = 's0';

export class StagedSegment {
  constructor(
    /** The staging folder. */
    private readonly dir: string,
    /** The segment as written, named STAGED_NAME. */
    readonly entry: SegmentEntry,
  ) {}

  get documents(): number {
    return this.entry.documents;
  }

  /** Links the segment's files into generation folder `genDir` as segment `name`; its entry there. */
  linkInto(genDir: string, name: string): SegmentEntry {
    const files: SegmentEntry['files'] = {};
    for (const [file, record] of Object.entries(this.entry.files)) {
      // Files are named `<segment>.<role>`; their content does not depend on the name.
      const renamed = name + file.slice(STAGED_NAME.length);
      linkOrCopy(join(this.dir, file), join(genDir, renamed));
      files[renamed] = record;
    }
    return { ...this.entry, name, files };
  }

  /** Removes the staging folder (after the commit, which holds its own links, or instead of it). */
  discard(): void {
    discardGeneration(this.dir);
  }
}

/**
 * Writes `docs` as a staged segment of index folder `indexDir`; undefined
 * (and nothing left behind) when the stream holds no document.
 */
export async function stageSegment(analyzer: Analyzer, indexDir: string, docs: AsyncIterable<Document> | Iterable<Document>, what: string): Promise<StagedSegment | undefined> {
  const dir = newTemporaryDir(indexDir, what);
  try {
    const entry = await writeSegment(analyzer, dir, STAGED_NAME, docs);
    if (entry) return new StagedSegment(dir, entry);
  } catch (e) {
    discardGeneration(dir);
    throw e;
  }
  discardGeneration(dir);
  return undefined;
}

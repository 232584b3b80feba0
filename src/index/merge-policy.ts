/**
 * Which segments a merge rewrites. After writes, the newest run of
 * `mergeFactor` adjacent segments of one size class (their document count's
 * order of magnitude) becomes one segment of the next class, so an index
 * written one small batch at a time keeps a logarithmic number of segments.
 * A segment of more than `maxMergeDocuments` — the base segment of a full
 * build at archive scale — is never merged this way: `fahras compact` merges
 * everything into one.
 */
import { DEFAULT_MERGE_FACTOR } from '../common/defaults.js';
import { MERGE_MAX_DOCUMENTS } from '../common/limits.js';

export interface MergePolicy {
  /** Adjacent segments of one size class merged together once there are this many; below 2: never merge by itself. */
  mergeFactor: number;
  /** Segments larger than this are left to `compact`. */
  maxMergeDocuments: number;
}

export const DEFAULT_MERGE_POLICY: MergePolicy = { mergeFactor: DEFAULT_MERGE_FACTOR, maxMergeDocuments: MERGE_MAX_DOCUMENTS };

/** What the policy needs to know of a segment. */
export interface SegmentSize {
  /** Documents stored, deleted ones included. */
  documents: number;
  /** Of them, deleted. */
  deleted: number;
}

/** Size class of a segment: its document count's order of magnitude. */
function sizeClass(docs: number): number {
  return Math.floor(Math.log10(Math.max(1, docs)));
}

/** Segments [from, to) that the policy merges next, or undefined when none need merging. */
export function mergeRun(segments: readonly SegmentSize[], policy: MergePolicy): [number, number] | undefined {
  const { mergeFactor, maxMergeDocuments } = policy;
  if (mergeFactor < 2) return undefined;
  let end = segments.length;
  while (end >= mergeFactor) {
    const cls = sizeClass(segments[end - 1].documents);
    let start = end - 1;
    while (start > 0 && end - start < mergeFactor) {
      const s = segments[start - 1].documents;
      if (sizeClass(s) !== cls || s > maxMergeDocuments) break;
      start--;
    }
    if (end - start >= mergeFactor && segments[end - 1].documents <= maxMergeDocuments) return [start, end];
    end = start;
  }
  return undefined;
}

/** Every segment, when a compaction has anything to do: more than one segment, or deleted documents. */
export function wholeRun(segments: readonly SegmentSize[]): [number, number] | undefined {
  return segments.length > 1 || segments.some((s) => s.deleted > 0) ? [0, segments.length] : undefined;
}

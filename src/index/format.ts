/**
 * On-disk layout of an index (format 5):
 *
 *   index-data/CURRENT            name of the live generation (replaced atomically)
 *   index-data/LOCK               held by the one process writing (see lock.ts)
 *   index-data/gen-<stamp>/       one complete generation: a list of segments and their deletions
 *     manifest.json               versions, settings hash, live-document counts, per segment its
 *                                 counts, sources, array layout and files with sizes and SHA-256;
 *                                 checksummed itself
 *     s<N>.<file>                 the files of segment N (below), hard links shared with the
 *                                 generations before and after it: a segment is never changed
 *     s<N>.del                    which documents of segment N are deleted (a bitmap), if any
 *
 * A segment holds documents added together (a build, an update batch, a merge):
 *     arrays.bin                  typed arrays (document lengths, sources, dates, lexicon, position
 *                                 and store offsets, store record checksums): arrays.ts
 *     lexicon.txt                 the term dictionaries (stems, surface forms, roots), each sorted,
 *                                 one term a line: lexicon.ts
 *     display.txt                 a readable spelling of each surface form, in lexicon order
 *     postings.bin                per term, doc-id gaps and frequencies: postings.ts
 *     positions.bin               per stem and document, the word positions: positions.ts
 *     store.bin, store-dict.bin   each document as deflated UTF-16LE JSON: store.ts
 *     ids.json                    external ids in internal order
 *
 * Every change writes a new generation beside the live one (new segments,
 * links to the kept ones), then swaps CURRENT with a rename, so a crash at
 * any moment leaves the previous index whole (generations.ts).
 */
export const FORMAT_VERSION = 5;

export const CURRENT_FILE = 'CURRENT';
export const MANIFEST_FILE = 'manifest.json';

/** The files of a segment, by role; on disk as `<segment>.<name>`. */
export const SEGMENT_FILES = {
  arrays: 'arrays.bin',
  lexicon: 'lexicon.txt',
  display: 'display.txt',
  postings: 'postings.bin',
  positions: 'positions.bin',
  store: 'store.bin',
  storeDict: 'store-dict.bin',
  ids: 'ids.json',
} as const;

export type SegmentFile = keyof typeof SEGMENT_FILES;

/** The on-disk name of a segment's file. */
export function segmentFile(segment: string, file: SegmentFile): string {
  return `${segment}.${SEGMENT_FILES[file]}`;
}

/** The deletion bitmap of a segment in one generation. */
export function deletesFile(segment: string): string {
  return `${segment}.del`;
}

export type ArrayType = 'u8' | 'u16' | 'u32' | 'i32' | 'f32' | 'f64';

export interface ArrayEntry {
  name: string;
  type: ArrayType;
  offset: number;
  length: number;
}

export interface FileRecord {
  bytes: number;
  sha256: string;
}

/** One segment as the generation's manifest describes it. */
export interface SegmentEntry {
  name: string;
  /** Documents stored in the segment, deleted ones included. */
  documents: number;
  stemTerms: number;
  normTerms: number;
  rootTerms: number;
  /** Words (non-stop) in all titles and all texts of the segment, deleted documents included. */
  titleWords: number;
  textWords: number;
  /** Source names by the segment's source number; number 0 is "no source" (''). */
  sources: string[];
  arrays: ArrayEntry[];
  /** Its files by on-disk name. */
  files: Record<string, FileRecord>;
  /** Its deletions in this generation, or null when none of its documents is deleted. */
  deletes: (FileRecord & { file: string; count: number }) | null;
}

export interface Manifest {
  format: number;
  analyzerVersion: number;
  settingsHash: string;
  /** Live documents (deleted ones not counted). */
  documents: number;
  /** Deleted documents still held by segments, until a merge drops them. */
  deleted: number;
  /** When the last full build finished, and how long it took. */
  builtAt: string;
  buildSeconds: number;
  /** When this generation was written (a build, an update, a merge). */
  writtenAt: string;
  /** The number the next new segment takes. */
  nextSegment: number;
  segments: SegmentEntry[];
  /** SHA-256 of the manifest's JSON without this field. */
  checksum: string;
}

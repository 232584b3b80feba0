/**
 * On-disk layout of an index:
 *
 *   index-data/CURRENT          name of the live generation (replaced atomically)
 *   index-data/gen-<stamp>/     one complete generation:
 *     manifest.json             versions, settings hash, counts, checksums, array layout
 *     arrays.bin                typed arrays (document lengths, sources, dates, lexicon offsets)
 *     lexicon.txt               the term dictionaries (stems, surface forms, roots), each sorted, one term a line
 *     display.txt               a readable spelling of each surface form, in lexicon order (empty: the form itself)
 *     postings.bin              per term: varint (doc-id gap × 2 + has-frequencies), then the frequency byte if
 *                               any (a single text occurrence has none); identical lists are stored once
 *     store.bin                 each document as deflated UTF-16LE JSON (preset dictionary: store-dict.bin)
 *     store-dict.bin
 *     ids.json                  external ids in internal order
 *
 * Each file has its writer and reader beside each other: postings.ts, lexicon.ts,
 * store.ts, arrays.ts (the typed-array schema), generations.ts (CURRENT).
 *
 * A build writes a new generation beside the live one, then swaps CURRENT with
 * a rename, so a crash at any moment leaves the previous index whole.
 */
export const FORMAT_VERSION = 4;

export const CURRENT_FILE = 'CURRENT';
export const MANIFEST_FILE = 'manifest.json';
export const ARRAYS_FILE = 'arrays.bin';
export const LEXICON_FILE = 'lexicon.txt';
export const DISPLAY_FILE = 'display.txt';
export const POSTINGS_FILE = 'postings.bin';
export const STORE_FILE = 'store.bin';
export const STORE_DICT_FILE = 'store-dict.bin';
export const IDS_FILE = 'ids.json';

export type ArrayType = 'u8' | 'u16' | 'u32' | 'i32' | 'f32' | 'f64';

export interface ArrayEntry {
  name: string;
  type: ArrayType;
  offset: number;
  length: number;
}

export interface Manifest {
  format: number;
  analyzerVersion: number;
  settingsHash: string;
  documents: number;
  stemTerms: number;
  normTerms: number;
  rootTerms: number;
  avgTitleLength: number;
  avgTextLength: number;
  sources: string[];
  builtAt: string;
  buildSeconds: number;
  arrays: ArrayEntry[];
  files: Record<string, { bytes: number; sha256: string }>;
}

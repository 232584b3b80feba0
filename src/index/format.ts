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

type Typed = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

const CTORS = {
  u8: Uint8Array,
  u16: Uint16Array,
  u32: Uint32Array,
  i32: Int32Array,
  f32: Float32Array,
  f64: Float64Array,
} as const;

export function typeOf(a: Typed): ArrayType {
  if (a instanceof Uint8Array) return 'u8';
  if (a instanceof Uint16Array) return 'u16';
  if (a instanceof Uint32Array) return 'u32';
  if (a instanceof Int32Array) return 'i32';
  if (a instanceof Float32Array) return 'f32';
  return 'f64';
}

/** Lays named arrays end to end, each 8-byte aligned. */
export function packArrays(arrays: Record<string, Typed>): { buffer: Buffer; entries: ArrayEntry[] } {
  const entries: ArrayEntry[] = [];
  let offset = 0;
  for (const [name, a] of Object.entries(arrays)) {
    offset = Math.ceil(offset / 8) * 8;
    entries.push({ name, type: typeOf(a), offset, length: a.length });
    offset += a.byteLength;
  }
  const buffer = Buffer.alloc(offset);
  for (const e of entries) {
    const a = arrays[e.name];
    buffer.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), e.offset);
  }
  return { buffer, entries };
}

/** Views onto the arrays of a packed buffer (copied once if the buffer is misaligned). */
export function unpackArrays(buffer: Buffer, entries: ArrayEntry[]): Record<string, Typed> {
  const base = buffer.byteOffset % 8 === 0 ? buffer : Buffer.from(buffer);
  const out: Record<string, Typed> = {};
  for (const e of entries) {
    const C = CTORS[e.type];
    const end = e.offset + e.length * C.BYTES_PER_ELEMENT;
    if (end > base.length) throw new RangeError(`array ${e.name} runs past the end of ${ARRAYS_FILE}`);
    out[e.name] = new C(base.buffer as ArrayBuffer, base.byteOffset + e.offset, e.length);
  }
  return out;
}

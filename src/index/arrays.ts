/**
 * arrays.bin: the index's typed arrays laid end to end, each 8-byte aligned,
 * described in the manifest by name, element type, offset and length. One
 * schema, shared by the writer (build) and the reader (open): every array an
 * index holds is named here with the element types it may take.
 */
import type { ArrayEntry, ArrayType } from './format.js';

type Ctor = Uint8ArrayConstructor | Uint16ArrayConstructor | Uint32ArrayConstructor | Int32ArrayConstructor | Float32ArrayConstructor | Float64ArrayConstructor;

const CTORS: Record<ArrayType, Ctor> = {
  u8: Uint8Array,
  u16: Uint16Array,
  u32: Uint32Array,
  i32: Int32Array,
  f32: Float32Array,
  f64: Float64Array,
};

/** Byte offsets: 32-bit while the file they point into stays under 4 GiB, else 64-bit floats. */
type Offsets = Uint32Array | Float64Array;

export interface IndexArrays {
  /** Per term of each namespace, in lexicon order: document frequency, and where its postings begin and end. */
  stemDf: Uint32Array;
  stemStart: Offsets;
  stemEnd: Offsets;
  /** Per stem: where its positions begin and end in positions.bin. */
  stemPosStart: Offsets;
  stemPosEnd: Offsets;
  normDf: Uint32Array;
  normStart: Offsets;
  normEnd: Offsets;
  rootDf: Uint32Array;
  rootStart: Offsets;
  rootEnd: Offsets;
  /** Per document: non-stop words in the title and the text, source number (0: none), day number of its date. */
  titleLength: Uint32Array;
  textLength: Uint32Array;
  source: Uint32Array;
  date: Int32Array;
  /** Per document and one more: where each stored document begins in store.bin. */
  storeOffset: Float64Array;
  /** Per document: CRC-32 of its stored bytes, checked on every read. */
  storeCrc: Uint32Array;
  /**
   * Jumps into long texts (see JUMP_WORDS): the documents that have them, in
   * order; where each one's jumps begin in the two arrays after (one more
   * entry: the end); and each jump's word position and character offset.
   * Optional: an index written before they existed has none.
   */
  jumpDoc: Uint32Array;
  jumpFirst: Uint32Array;
  jumpPosition: Uint32Array;
  jumpOffset: Uint32Array;
}

type OptionalArray = 'jumpDoc' | 'jumpFirst' | 'jumpPosition' | 'jumpOffset';
/** Arrays an index may lack (it was written before they existed): read as empty, written empty when not given. */
const OPTIONAL: ReadonlySet<keyof IndexArrays> = new Set<OptionalArray>(['jumpDoc', 'jumpFirst', 'jumpPosition', 'jumpOffset']);

const EMPTY = new Uint32Array(0);

/** What packArrays takes: every array, the optional ones when there are any. */
export type IndexArraysInput = Omit<IndexArrays, OptionalArray> & Partial<Pick<IndexArrays, OptionalArray>>;

const OFFSETS: readonly ArrayType[] = ['u32', 'f64'];

/** Every array, with the element types it may be stored as. */
export const ARRAY_SCHEMA: { readonly [K in keyof IndexArrays]: readonly ArrayType[] } = {
  stemDf: ['u32'],
  stemStart: OFFSETS,
  stemEnd: OFFSETS,
  stemPosStart: OFFSETS,
  stemPosEnd: OFFSETS,
  normDf: ['u32'],
  normStart: OFFSETS,
  normEnd: OFFSETS,
  rootDf: ['u32'],
  rootStart: OFFSETS,
  rootEnd: OFFSETS,
  titleLength: ['u32'],
  textLength: ['u32'],
  source: ['u32'],
  date: ['i32'],
  storeOffset: ['f64'],
  storeCrc: ['u32'],
  jumpDoc: ['u32'],
  jumpFirst: ['u32'],
  jumpPosition: ['u32'],
  jumpOffset: ['u32'],
};

type Typed = IndexArrays[keyof IndexArrays];

function typeOf(a: Typed): ArrayType {
  for (const [t, C] of Object.entries(CTORS) as [ArrayType, Ctor][]) if (a instanceof C) return t;
  throw new TypeError('not a typed array');
}

/** Offsets as 32-bit integers when they all fit. */
export function compactOffsets(offsets: Float64Array): Offsets {
  return offsets.every((x) => x < 2 ** 32) ? Uint32Array.from(offsets) : offsets;
}

/** Lays the arrays end to end in schema order. */
export function packArrays(given: IndexArraysInput): { buffer: Buffer; entries: ArrayEntry[] } {
  const arrays: IndexArrays = { jumpDoc: EMPTY, jumpFirst: EMPTY, jumpPosition: EMPTY, jumpOffset: EMPTY, ...given };
  const entries: ArrayEntry[] = [];
  let offset = 0;
  for (const name of Object.keys(ARRAY_SCHEMA) as (keyof IndexArrays)[]) {
    const a = arrays[name];
    offset = Math.ceil(offset / 8) * 8;
    entries.push({ name, type: typeOf(a), offset, length: a.length });
    offset += a.byteLength;
  }
  const buffer = Buffer.alloc(offset);
  for (const e of entries) {
    const a = arrays[e.name as keyof IndexArrays];
    buffer.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), e.offset);
  }
  return { buffer, entries };
}

/**
 * Views onto the arrays of a packed buffer (copied once if the buffer is
 * misaligned). Throws a RangeError naming what does not fit the schema.
 */
export function unpackArrays(buffer: Buffer, entries: readonly ArrayEntry[]): IndexArrays {
  const base = buffer.byteOffset % 8 === 0 ? buffer : Buffer.from(buffer);
  const out: Partial<Record<keyof IndexArrays, ArrayBufferView>> = {};
  for (const e of entries) {
    if (!Object.hasOwn(ARRAY_SCHEMA, e.name)) continue;
    const name = e.name as keyof IndexArrays;
    if (!ARRAY_SCHEMA[name].includes(e.type)) throw new RangeError(`array ${name} has type ${e.type}, expected ${ARRAY_SCHEMA[name].join(' or ')}`);
    const C = CTORS[e.type];
    const end = e.offset + e.length * C.BYTES_PER_ELEMENT;
    if (!Number.isInteger(e.offset) || e.offset < 0 || e.offset % C.BYTES_PER_ELEMENT !== 0 || end > base.length) throw new RangeError(`array ${name} runs past the end of the arrays file`);
    out[name] = new C(base.buffer as ArrayBuffer, base.byteOffset + e.offset, e.length);
  }
  for (const name of Object.keys(ARRAY_SCHEMA) as (keyof IndexArrays)[]) {
    if (out[name]) continue;
    if (!OPTIONAL.has(name)) throw new RangeError(`array ${name} is missing from the arrays file`);
    out[name] = EMPTY;
  }
  return out as unknown as IndexArrays;
}

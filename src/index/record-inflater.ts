/**
 * Inflating a store's records against its preset dictionary with one zlib
 * handle kept for the store's life. zlib.inflateRawSync builds a stream, a
 * zlib handle and its window for every call and sets the dictionary into it:
 * for a 1.2 KB record (3.8 KB inflated, the 4× SaudiNewsNet mean) that is
 * half of the call's time. A kept handle is reset before each record, which
 * sets the dictionary again (a 32 KiB copy), and inflates into one output
 * buffer shared by every store of the process (reads are synchronous).
 *
 * Node has no public call that inflates synchronously on a kept stream (its
 * own synchronous path closes the stream after each buffer), so this drives
 * the stream's handle as that path does: `handle.writeSync` with the stream's
 * write state. Where that shape is missing, or a first inflate of a known
 * record does not give it back (another Node), every record goes through
 * inflateRawSync as before. A record that does not inflate throws, like
 * inflateRawSync; the handle it broke is dropped and the next record gets a
 * new one.
 */
import { constants, deflateRawSync, InflateRaw, inflateRawSync } from 'node:zlib';

/** The part of a zlib stream's native handle that its synchronous path uses (node:zlib's processChunkSync). */
interface NativeInflate {
  reset(): void;
  writeSync(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void;
}

interface KeptStream {
  stream: InflateRaw;
  handle: NativeInflate;
  /** After each write: output bytes left, input bytes left. */
  state: Uint32Array;
}

/** Output shared by every record: 128 KiB, twice the largest SaudiNewsNet article in UTF-16; a larger record gets its own. */
const output = Buffer.allocUnsafe(128 * 1024);

function keptStream(dictionary: Uint8Array): KeptStream | undefined {
  const stream = new InflateRaw({ dictionary });
  // A failed write destroys the stream and emits 'error' on the next tick; the failure is reported by the write itself.
  stream.on('error', () => {});
  const { _handle: handle, _writeState: state } = stream as unknown as { _handle?: Partial<NativeInflate> | null; _writeState?: unknown };
  if (typeof handle?.writeSync !== 'function' || typeof handle.reset !== 'function' || !(state instanceof Uint32Array) || state.length < 2) {
    stream.close();
    return undefined;
  }
  return { stream, handle: handle as NativeInflate, state };
}

/** Inflates `input` on a kept stream into the shared output; undefined when the stream failed (it is then destroyed). */
function inflateKept({ stream, handle, state }: KeptStream, input: Uint8Array): Buffer | undefined {
  handle.reset();
  let out = output;
  let inOff = 0;
  let have = 0;
  for (;;) {
    handle.writeSync(constants.Z_FINISH, input, inOff, input.length - inOff, out, have, out.length - have);
    if (stream.destroyed) return undefined;
    const [outLeft, inLeft] = state;
    have = out.length - outLeft;
    inOff = input.length - inLeft;
    // Output room left: the stream ended (a stream cut short fails instead).
    if (outLeft > 0) return out.subarray(0, have);
    const bigger = Buffer.allocUnsafe(out.length * 2);
    out.copy(bigger, 0, 0, have);
    out = bigger;
  }
}

/** Whether a kept stream gives back what inflateRawSync does, on a record with back-references into its dictionary. */
function keptStreamsWork(): boolean {
  const dictionary = Buffer.from('السلام عليكم ورحمة الله وبركاته '.repeat(40), 'utf16le');
  const text = Buffer.from(`{"text":"${'ورحمة الله السلام عليكم '.repeat(30)}"}`, 'utf16le');
  const kept = keptStream(dictionary);
  if (!kept) return false;
  try {
    const record = deflateRawSync(text, { dictionary });
    return [1, 2].every(() => inflateKept(kept, record)?.equals(text) === true);
  } catch {
    return false;
  } finally {
    kept.stream.close();
  }
}

let keptWork: boolean | undefined;

/** Inflates one store's records (raw deflate against `dictionary`). */
export class RecordInflater {
  private kept: KeptStream | undefined;

  constructor(private readonly dictionary: Uint8Array) {}

  /**
   * Record `input` inflated, decoded from UTF-16LE. Throws when it is not a
   * whole raw deflate stream made with this dictionary.
   */
  text(input: Uint8Array): string {
    keptWork ??= keptStreamsWork();
    const kept = keptWork ? (this.kept ??= keptStream(this.dictionary)) : undefined;
    if (!kept) return inflateRawSync(input, { dictionary: this.dictionary }).toString('utf16le');
    const out = inflateKept(kept, input);
    if (!out) {
      this.kept = undefined;
      throw new Error('the record does not inflate');
    }
    return out.toString('utf16le');
  }

  close(): void {
    this.kept?.stream.close();
    this.kept = undefined;
  }
}

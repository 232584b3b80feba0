/**
 * A gzip body made of a short prefix written per answer and a tail deflated
 * ahead of time. A search answer is `{"took_ms":…,` followed by bytes that do
 * not change while it is cached; the tail is deflated once (raw deflate, a
 * stream of its own that refers to nothing before it), and each answer is a
 * gzip member of: the header, the prefix as one stored (uncompressed,
 * non-final) deflate block, the tail's deflate stream (whose last block is
 * final), and the CRC-32 and length of prefix + tail (RFC 1951, RFC 1952).
 */
import { promisify } from 'node:util';
import { crc32, deflateRaw } from 'node:zlib';

const deflateRawAsync = promisify(deflateRaw);

/** ID1 ID2, CM = deflate, no flags, no modification time, no extra flags, OS = Unix. */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
/** A stored block holds at most this many bytes (its LEN field is 16 bits). */
const MAX_STORED = 0xffff;

/** `tail` as a raw deflate stream, compressed on zlib's thread pool. */
export function deflateTail(tail: Buffer, level: number): Promise<Buffer> {
  return deflateRawAsync(tail, { level });
}

/** The gzip member whose content is `prefix` + `tail`; `deflated` is `deflateTail(tail)`. */
export function gzipSpliced(prefix: Buffer, tail: Buffer, deflated: Buffer): Buffer {
  if (prefix.length > MAX_STORED) throw new RangeError('gzip prefix longer than one stored block');
  const out = Buffer.allocUnsafe(GZIP_HEADER.length + 5 + prefix.length + deflated.length + 8);
  let at = GZIP_HEADER.copy(out, 0);
  // A stored block: BFINAL 0 and BTYPE 00 in the low bits, padded to the byte; then LEN and its complement.
  out[at++] = 0;
  at = out.writeUInt16LE(prefix.length, at);
  at = out.writeUInt16LE(~prefix.length & 0xffff, at);
  at += prefix.copy(out, at);
  at += deflated.copy(out, at);
  at = out.writeUInt32LE(crc32(tail, crc32(prefix)), at);
  out.writeUInt32LE((prefix.length + tail.length) % 2 ** 32, at);
  return out;
}

/**
 * Runs: one chunk of a parallel build, its postings laid out in a temporary
 * file of the generation being written, for the merge (merge-runs.ts) to read
 * front to back. Per namespace the file holds a directory, then the lists,
 * then (stems) their positions, every list in increasing order of its term's
 * global number; a directory entry is the term's global number, its list's
 * bytes, its document frequency and its last document in the chunk (numbered
 * from 0), and for stems its positions' bytes. Lists are as a segment holds
 * them, the first gap counted from -1; the merge re-bases that one posting.
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import type { NamespaceLayout } from './term-postings.js';

type Namespaces<T> = { stems: T; norms: T; roots: T };

/** Where one namespace lies in a run file. */
export interface RunSection {
  entries: number;
  /** Directory entries are `width` unsigned 32-bit integers (little-endian). */
  width: number;
  dir: number;
  data: number;
  dataBytes: number;
  positions: number;
  positionsBytes: number;
}

export interface RunInfo extends Namespaces<RunSection> {
  path: string;
}

/** One namespace of a chunk, laid out with its lists in `order` (local terms by increasing global number). */
export type RunNamespace = NamespaceLayout & { order: Uint32Array; global: Int32Array };

const GLOBAL = 0;
const BYTES = 1;
const DF = 2;
const LAST = 3;
const POSITION_BYTES = 4;

function directory(ns: RunNamespace): { buf: Buffer; width: number } {
  const { lists, df, positions, order, global } = ns;
  const width = positions ? 5 : 4;
  // In this machine's byte order: the file is read back by the same process.
  const dir = new Uint32Array(order.length * width);
  for (let i = 0, p = 0; i < order.length; i++, p += width) {
    const t = order[i];
    dir[p + GLOBAL] = global[t];
    dir[p + BYTES] = lists.end[t] - lists.start[t];
    dir[p + DF] = df[t];
    dir[p + LAST] = lists.last[t];
    if (positions) dir[p + POSITION_BYTES] = positions.end[t] - positions.start[t];
  }
  return { buf: Buffer.from(dir.buffer, dir.byteOffset, dir.byteLength), width };
}

/** Writes a chunk's three namespaces to a new run file at `path`. */
export function writeRunFile(path: string, namespaces: Namespaces<RunNamespace>): RunInfo {
  const fd = openSync(path, 'w');
  let at = 0;
  const put = (b: Uint8Array): number => {
    const from = at;
    for (let off = 0; off < b.length; ) off += writeSync(fd, b, off, b.length - off);
    at += b.length;
    return from;
  };
  try {
    const section = (ns: RunNamespace): RunSection => {
      const { buf, width } = directory(ns);
      const dir = put(buf);
      const data = put(ns.lists.bytes);
      const positions = ns.positions ? put(ns.positions.bytes) : at;
      return { entries: ns.order.length, width, dir, data, dataBytes: ns.lists.bytes.length, positions, positionsBytes: ns.positions?.bytes.length ?? 0 };
    };
    return { path, stems: section(namespaces.stems), norms: section(namespaces.norms), roots: section(namespaces.roots) };
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a stretch of a file front to back through a buffer: `ensure(n)`
 * makes the next n bytes readable in `buf` from the returned offset on, and
 * moves past them. The buffer is its own memory, so views of it as words are
 * aligned.
 */
class FileCursor {
  buf: Buffer;
  private pos = 0;
  private len = 0;

  constructor(
    private readonly fd: number,
    private at: number,
    private readonly end: number,
    size: number,
  ) {
    this.buf = Buffer.allocUnsafeSlow(Math.max(8, Math.min(size, end - at)));
  }

  ensure(n: number): number {
    if (this.len - this.pos < n) this.fill(n);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  private fill(n: number): void {
    const keep = this.len - this.pos;
    if (n > this.buf.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(n, this.buf.length * 2));
      this.buf.copy(bigger, 0, this.pos, this.len);
      this.buf = bigger;
    } else this.buf.copyWithin(0, this.pos, this.len);
    this.pos = 0;
    this.len = keep;
    const want = Math.min(this.buf.length - keep, this.end - this.at);
    let got = 0;
    while (got < want) {
      const r = readSync(this.fd, this.buf, keep + got, want - got, this.at + got);
      if (r === 0) break;
      got += r;
    }
    this.at += got;
    this.len += got;
    if (this.len < n) throw new Error(`run file ends early (${this.len} of ${n} bytes)`);
  }
}

/** Bytes of buffer per cursor: run files are read front to back, a little of each at a time. */
const CURSOR_BYTES = 1 << 16;

/**
 * Walks one namespace of a run, entry by entry: `next()` moves to the next
 * list (false past the last); `global` is its term's global number, or
 * Infinity once done. The list's bytes are `listBuf[listAt, listAt +
 * listBytes)`, its positions' `posBuf[posAt, posAt + posBytes)`, until the
 * next `next()`.
 */
export class RunCursor {
  global = -1;
  df = 0;
  last = 0;
  listBuf: Buffer;
  listAt = 0;
  listBytes = 0;
  posBuf: Buffer;
  posAt = 0;
  posBytes = 0;
  private remaining: number;
  private readonly width: number;
  private readonly dir: FileCursor;
  /** The directory cursor's buffer, as words. */
  private words: Uint32Array = new Uint32Array(0);
  private readonly data: FileCursor;
  private readonly pos: FileCursor;

  constructor(fd: number, section: RunSection, bufferBytes = CURSOR_BYTES) {
    const s = section;
    this.remaining = s.entries;
    this.width = s.width;
    // Whole entries per buffer, so an entry's words never straddle a refill's alignment.
    this.dir = new FileCursor(fd, s.dir, s.dir + s.entries * s.width * 4, Math.max(1, Math.floor(bufferBytes / (s.width * 4))) * s.width * 4);
    this.data = new FileCursor(fd, s.data, s.data + s.dataBytes, bufferBytes);
    this.pos = new FileCursor(fd, s.positions, s.positions + s.positionsBytes, bufferBytes);
    this.listBuf = this.data.buf;
    this.posBuf = this.pos.buf;
  }

  next(): boolean {
    if (this.remaining === 0) {
      this.global = Infinity;
      return false;
    }
    this.remaining--;
    const at = this.dir.ensure(this.width * 4) >> 2;
    if (this.words.buffer !== this.dir.buf.buffer) this.words = new Uint32Array(this.dir.buf.buffer, this.dir.buf.byteOffset, this.dir.buf.length >> 2);
    const e = this.words;
    this.global = e[at + GLOBAL];
    this.listBytes = e[at + BYTES];
    this.df = e[at + DF];
    this.last = e[at + LAST];
    this.posBytes = this.width > POSITION_BYTES ? e[at + POSITION_BYTES] : 0;
    this.listAt = this.data.ensure(this.listBytes);
    this.listBuf = this.data.buf;
    this.posAt = this.pos.ensure(this.posBytes);
    this.posBuf = this.pos.buf;
    return true;
  }

  list(): Buffer {
    return this.listBuf.subarray(this.listAt, this.listAt + this.listBytes);
  }

  positions(): Buffer {
    return this.posBuf.subarray(this.posAt, this.posAt + this.posBytes);
  }
}

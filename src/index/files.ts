/** Index files written in chunks while hashed, then synced to disk. */
import { createHash } from 'node:crypto';
import { closeSync, copyFileSync, fsyncSync, linkSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';

import type { FileRecord } from './format.js';

export type { FileRecord };

const FLUSH_BYTES = 4 << 20;

export class HashedFile {
  private fd: number;
  private hash = createHash('sha256');
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  bytes = 0;

  constructor(readonly path: string) {
    // Readable too: a merge reads back lists it wrote (readAt).
    this.fd = openSync(path, 'w+');
  }

  write(buf: Uint8Array): void {
    this.pending.push(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength));
    this.pendingBytes += buf.byteLength;
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
  }

  private flush(): void {
    if (!this.pendingBytes) return;
    const b = Buffer.concat(this.pending, this.pendingBytes);
    this.hash.update(b);
    let off = 0;
    while (off < b.length) off += writeSync(this.fd, b, off);
    this.bytes += b.length;
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** Bytes written so far, flushed or not. */
  get size(): number {
    return this.bytes + this.pendingBytes;
  }

  /** Reads `length` bytes written earlier at `position`. */
  readAt(position: number, length: number): Buffer {
    if (position + length > this.bytes) this.flush();
    const out = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const n = readSync(this.fd, out, got, length - got, position + got);
      if (n === 0) throw new RangeError(`${this.path}: nothing written at ${position + got}`);
      got += n;
    }
    return out;
  }

  close(): FileRecord {
    this.flush();
    fsyncSync(this.fd);
    closeSync(this.fd);
    return { bytes: this.bytes, sha256: this.hash.digest('hex') };
  }

  abandon(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}

export function writeWhole(dir: string, name: string, data: Uint8Array | string): FileRecord {
  const f = new HashedFile(join(dir, name));
  f.write(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  return f.close();
}

/**
 * Makes `to` another name of the finished file `from` (a hard link: files of
 * an index are never changed once written), or a copy where the file system
 * cannot link.
 */
export function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return;
    copyFileSync(from, to);
    const fd = openSync(to, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

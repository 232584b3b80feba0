/**
 * Reading the files of an index only when they are regular files. Opening a
 * FIFO for reading blocks until something writes to it, and reading a device
 * may never end: a CURRENT, manifest or segment file that is one (or a
 * symbolic link to one) would hang `fahras search`, or a running server's
 * reload, for good. So each file is opened without blocking (O_NONBLOCK has
 * no effect on a regular file), checked with fstat on the open descriptor —
 * what is checked is what is read — and refused unless it is a regular file.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

const READ_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

/** A file that is there but is not a regular file; `what` says what it is ("a FIFO", "a folder"…). */
export class NotRegularFileError extends Error {
  constructor(
    readonly path: string,
    readonly what: string,
  ) {
    super(`${path} is ${what}, not a regular file`);
    this.name = 'NotRegularFileError';
  }
}

/** What a file that is not a regular file is, in a few words. */
export function fileKind(st: Stats): string {
  if (st.isFile()) return 'a regular file';
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a file';
}

/** Opening a socket file fails with ENXIO: it is not a regular file either. */
function refusedOpen(path: string, e: unknown): never {
  if ((e as NodeJS.ErrnoException).code === 'ENXIO') throw new NotRegularFileError(path, 'a socket');
  throw e;
}

/** A descriptor of `path` open for reading, if it is a regular file (symbolic links followed); the caller closes it. */
export function openRegular(path: string): { fd: number; size: number } {
  let fd: number;
  try {
    fd = openSync(path, READ_FLAGS);
  } catch (e) {
    refusedOpen(path, e);
  }
  const st = fstatSync(fd);
  if (!st.isFile()) {
    closeSync(fd);
    throw new NotRegularFileError(path, fileKind(st));
  }
  return { fd, size: st.size };
}

/** The whole of regular file `path`; a file larger than `maxBytes` throws a RangeError unread. */
export function readRegular(path: string, maxBytes = Infinity): Buffer {
  const { fd, size } = openRegular(path);
  try {
    if (size > maxBytes) throw new RangeError(`${path} has ${size} bytes, more than ${maxBytes}`);
    const buf = Buffer.allocUnsafe(size);
    let at = 0;
    while (at < size) {
      const n = readSync(fd, buf, at, size - at, at);
      if (n === 0) break;
      at += n;
    }
    return at === size ? buf : buf.subarray(0, at);
  } finally {
    closeSync(fd);
  }
}

/** The whole of regular file `path`, read off the main thread. */
export async function readRegularAsync(path: string): Promise<Buffer> {
  let fh: FileHandle;
  try {
    fh = await open(path, READ_FLAGS);
  } catch (e) {
    refusedOpen(path, e);
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new NotRegularFileError(path, fileKind(st));
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}

/**
 * One writer at a time per index folder: LOCK, created exclusively, names the
 * process that holds it (host and pid). A lock whose process is gone (killed,
 * crashed) is taken over; a live holder is waited for up to a limit, then the
 * second writer is refused with a message naming the holder and what it does.
 * Builds, updates, deletions and merges — from the CLI or a running server —
 * all take it for the time of their write.
 */
import { closeSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { IndexError } from './errors.js';
import { NotRegularFileError, readRegular } from './regular.js';

export const LOCK_FILE = 'LOCK';

interface Holder {
  pid: number;
  host: string;
  /** What the holder is doing: "a build", "an update"… */
  purpose: string;
  since: string;
}

/** The index is being written by another process, and stayed so for as long as we could wait. */
export class IndexBusyError extends IndexError {
  override name = 'IndexBusyError';
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** How long a lock file may stay empty before it counts as left by a writer that died creating it. */
const UNFILLED_MS = 2000;

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return Infinity;
  }
}

/** What LOCK holds at most: one holder's JSON. */
const MAX_LOCK_BYTES = 4096;

function readHolder(path: string, dir: string): Holder | undefined {
  try {
    const h = JSON.parse(readRegular(path, MAX_LOCK_BYTES).toString('utf8')) as Holder;
    return typeof h.pid === 'number' && typeof h.host === 'string' ? h : undefined;
  } catch (e) {
    // Not ours to remove, and reading it could block: refused with one line.
    if (e instanceof NotRegularFileError) throw new IndexError(`index at ${dir} cannot be written: ${LOCK_FILE} is ${e.what}, not a lock file; remove it`);
    return undefined;
  }
}

export class IndexLock {
  private released = false;

  private constructor(private readonly path: string) {}

  /**
   * Takes the lock of index folder `dir` for `purpose`, waiting up to `waitMs`
   * for another writer to finish. Throws IndexBusyError when it does not.
   */
  static async acquire(dir: string, purpose: string, waitMs = 10_000): Promise<IndexLock> {
    const path = join(dir, LOCK_FILE);
    const me: Holder = { pid: process.pid, host: hostname(), purpose, since: new Date().toISOString() };
    const deadline = Date.now() + waitMs;
    for (let delay = 5; ; delay = Math.min(delay * 2, 200)) {
      let fd: number | undefined;
      try {
        fd = openSync(path, 'wx');
        writeSync(fd, JSON.stringify(me));
        return new IndexLock(path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      } finally {
        if (fd !== undefined) closeSync(fd);
      }
      const holder = readHolder(path, dir);
      // Stale: left by a process of this host that is gone, or never filled in by its writer (which fills it at once).
      if (holder ? holder.host === me.host && !alive(holder.pid) : ageMs(path) > UNFILLED_MS) {
        rmSync(path, { force: true });
        continue;
      }
      const who = holder ? `${holder.purpose}, pid ${holder.pid} on ${holder.host}, since ${holder.since}` : 'a writer starting';
      if (holder && holder.pid === process.pid && holder.host === me.host) {
        throw new IndexBusyError(`index at ${dir} is already being written by this process (${holder.purpose})`);
      }
      if (Date.now() >= deadline) {
        throw new IndexBusyError(`index at ${dir} is being written by another process (${who}); try again when it has finished`);
      }
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    rmSync(this.path, { force: true });
  }
}

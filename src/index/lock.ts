/**
 * One writer at a time per index folder: LOCK, created exclusively, names the
 * process that holds it (host and pid). A lock whose process is gone (killed,
 * crashed) is taken over; a live holder is waited for up to a limit, then the
 * second writer is refused with a message naming the holder and what it does.
 * A full build takes it for its whole run; updates, deletions and merges —
 * from the CLI or a running server — write their new segment first and take
 * it only for their commit.
 *
 * MERGE-LOCK, the same kind of file, is held by the one process merging
 * segments (from its choice of segments to its commit), so that two merges
 * never rewrite the same documents.
 */
import { closeSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { FahrasError } from '../common/errors.js';
import { IndexError } from './errors.js';
import { NotRegularFileError, readRegular } from './regular.js';

export const LOCK_FILE = 'LOCK';
export const MERGE_LOCK_FILE = 'MERGE-LOCK';

interface Holder {
  pid: number;
  host: string;
  /** What the holder is doing: "a build", "an update"… */
  purpose: string;
  since: string;
}

/** The index is being written by another process, and stayed so for as long as we could wait. */
export class IndexBusyError extends FahrasError {
  override name = 'IndexBusyError';
  override readonly kind = 'busy';

  constructor(
    message: string,
    /** What the other writer does: "a build", "an update"…, or "a writer starting". */
    readonly purpose: string,
  ) {
    super(message);
  }
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

/**
 * Removes a lock file judged stale, unless another writer replaced it
 * meanwhile: it is renamed aside first (only one process can), and put back
 * when what was renamed is not the stale holder's file.
 */
function removeStale(path: string, stale: Holder | undefined): void {
  // A temporary's name (generations.ts): if this process dies here, the next writer removes it.
  const aside = join(dirname(path), `.tmp-stale-${basename(path)}-${process.pid}`);
  try {
    renameSync(path, aside);
  } catch {
    return; // gone already: another writer took it over first
  }
  const found = readHolder(aside, dirname(path));
  if (found && (!stale || found.pid !== stale.pid || found.since !== stale.since)) {
    try {
      renameSync(aside, path);
      return;
    } catch {
      // the rename back failed: fall through and remove it
    }
  }
  rmSync(aside, { force: true });
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
   * Takes the lock `file` of index folder `dir` for `purpose`, waiting up to
   * `waitMs` for another writer to finish. Throws IndexBusyError when it does not.
   */
  static async acquire(dir: string, purpose: string, waitMs = 10_000, file = LOCK_FILE): Promise<IndexLock> {
    const path = join(dir, file);
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
        removeStale(path, holder);
        continue;
      }
      const who = holder ? `${holder.purpose}, pid ${holder.pid} on ${holder.host}, since ${holder.since}` : 'a writer starting';
      if (holder && holder.pid === process.pid && holder.host === me.host) {
        throw new IndexBusyError(`index at ${dir} is already being written by this process (${holder.purpose})`, holder.purpose);
      }
      if (Date.now() >= deadline) {
        throw new IndexBusyError(`index at ${dir} is being written by another process (${who}); try again when it has finished`, holder?.purpose ?? 'a writer starting');
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

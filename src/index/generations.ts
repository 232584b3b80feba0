/**
 * Generations of an index folder. A build writes `.tmp-<generation>-<pid>`,
 * renames it to `<generation>` when complete, and then points CURRENT at it by
 * writing `CURRENT.tmp-<pid>` and renaming it over CURRENT — an atomic step.
 * Whatever moment a build dies at, CURRENT names a whole generation.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CURRENT_FILE } from './format.js';
import { NotRegularFileError, readRegular } from './regular.js';

const GEN_PREFIX = 'gen-';
/** What a generation folder's name is made of. */
const GENERATION_NAME = /^gen-[A-Za-z0-9._-]+$/;
/** CURRENT holds one generation name; anything longer is not an index's CURRENT. */
const MAX_CURRENT_BYTES = 256;
const TMP_PREFIX = '.tmp-';

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some file systems refuse fsync on directories; the rename is still atomic.
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

/** Removes temporary folders left by builds that died. */
export function removeStaleTemporaries(out: string): void {
  for (const name of readdirSync(out)) {
    if (!name.startsWith(TMP_PREFIX)) continue;
    const pid = Number(name.split('-').pop());
    if (Number.isInteger(pid) && pid !== process.pid && alive(pid)) continue;
    rmSync(join(out, name), { recursive: true, force: true });
  }
}

export function newGenerationDir(out: string): { tmpDir: string; generation: string } {
  removeStaleTemporaries(out);
  const stamp = new Date().toISOString().replace(/[-:.]/g, '').replace('T', '-').replace('Z', '');
  const generation = `${GEN_PREFIX}${stamp}-${Math.random().toString(36).slice(2, 8)}`;
  const tmpDir = join(out, `${TMP_PREFIX}${generation}-${process.pid}`);
  mkdirSync(tmpDir, { recursive: true });
  return { tmpDir, generation };
}

export function discardGeneration(tmpDir: string): void {
  rmSync(tmpDir, { recursive: true, force: true });
}

/** Publishes a finished generation and removes the ones it replaces. */
export function commitGeneration(out: string, tmpDir: string, generation: string): void {
  fsyncDir(tmpDir);
  renameSync(tmpDir, join(out, generation));
  const tmpCurrent = join(out, `${CURRENT_FILE}.tmp-${process.pid}`);
  writeFileSync(tmpCurrent, generation + '\n');
  const fd = openSync(tmpCurrent, 'r+');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmpCurrent, join(out, CURRENT_FILE));
  fsyncDir(out);
  for (const name of readdirSync(out)) {
    if (name.startsWith(GEN_PREFIX) && name !== generation) rmSync(join(out, name), { recursive: true, force: true });
    if (name.startsWith(`${CURRENT_FILE}.tmp-`) && name !== `${CURRENT_FILE}.tmp-${process.pid}`) {
      const pid = Number(name.split('-').pop());
      if (!alive(pid)) rmSync(join(out, name), { force: true });
    }
  }
}

/** `why`, when given, says what is wrong with CURRENT itself (then `name` only tells one such state from another). */
export type Current = { kind: 'none' } | { kind: 'invalid'; name: string; why?: string } | { kind: 'ok'; name: string; dir: string };

/**
 * What CURRENT names: nothing (no file, or empty), something that is not a
 * generation of this folder (a path, garbage, a FIFO, a file far too long),
 * or the live generation. Never blocks: a FIFO or device is refused unread.
 */
export function readCurrent(out: string): Current {
  const path = join(out, CURRENT_FILE);
  let name: string;
  try {
    name = readRegular(path, MAX_CURRENT_BYTES).toString('utf8').trim();
  } catch (e) {
    if (e instanceof NotRegularFileError) return { kind: 'invalid', name: `(${e.what})`, why: `${CURRENT_FILE} is ${e.what}, not a regular file` };
    if (e instanceof RangeError) return { kind: 'invalid', name: '(too long)', why: `${CURRENT_FILE} is longer than ${MAX_CURRENT_BYTES} bytes: it does not name a generation` };
    return { kind: 'none' };
  }
  if (!name) return { kind: 'none' };
  // Generation names are ours (gen-<stamp>-<random>): anything else — a path, garbage, control characters — is not one.
  if (!GENERATION_NAME.test(name) || name.includes('..')) return { kind: 'invalid', name };
  return { kind: 'ok', name, dir: join(out, name) };
}

/** The name CURRENT holds (whatever it is), or undefined: cheap enough to poll. */
export function currentName(out: string): string | undefined {
  const c = readCurrent(out);
  return c.kind === 'none' ? undefined : c.name;
}

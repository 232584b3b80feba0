/**
 * Generations of an index folder. A writer writes `.tmp-<generation>-<pid>`,
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

/**
 * Temporary folders this process is writing now. A writer may run several at
 * once (a merge's segment while updates commit), and a folder named with this
 * process's id that is not among them was left by a dead process whose id
 * this one reuses.
 */
const ours = new Set<string>();

/** Removes temporary folders left by writers that died. */
export function removeStaleTemporaries(out: string): void {
  for (const name of readdirSync(out)) {
    if (!name.startsWith(TMP_PREFIX) || ours.has(join(out, name))) continue;
    const pid = Number(name.split('-').pop());
    if (Number.isInteger(pid) && pid !== process.pid && alive(pid)) continue;
    rmSync(join(out, name), { recursive: true, force: true });
  }
}

function stamp(): string {
  return `${new Date().toISOString().replace(/[-:.]/g, '').replace('T', '-').replace('Z', '')}-${Math.random().toString(36).slice(2, 8)}`;
}

function makeTemporary(out: string, name: string): string {
  const dir = join(out, `${TMP_PREFIX}${name}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  ours.add(dir);
  return dir;
}

export function newGenerationDir(out: string): { tmpDir: string; generation: string } {
  removeStaleTemporaries(out);
  const generation = `${GEN_PREFIX}${stamp()}`;
  return { tmpDir: makeTemporary(out, generation), generation };
}

/** A temporary folder of the index for files written ahead of a commit (`what` names it); removed by discardGeneration. */
export function newTemporaryDir(out: string, what: string): string {
  removeStaleTemporaries(out);
  return makeTemporary(out, `${what}-${stamp()}`);
}

/** Removes a temporary folder (a generation that will not be committed, or staged files once linked). */
export function discardGeneration(tmpDir: string): void {
  rmSync(tmpDir, { recursive: true, force: true });
  ours.delete(tmpDir);
}

/** Publishes a finished generation and removes the ones it replaces. */
export function commitGeneration(out: string, tmpDir: string, generation: string): void {
  fsyncDir(tmpDir);
  renameSync(tmpDir, join(out, generation));
  ours.delete(tmpDir);
  const tmpCurrent = join(out, `${CURRENT_FILE}.tmp-${process.pid}`);
  writeFileSync(tmpCurrent, generation + '\n');
  const fd = openSync(tmpCurrent, 'r+');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmpCurrent, join(out, CURRENT_FILE));
  fsyncDir(out);
  removeReplaced(out, generation);
}

/**
 * Removes the generations other than `live` and the CURRENT.tmp files of dead
 * writers. Only a writer holding the folder's lock may: another writer may be
 * between publishing its generation folder and swapping CURRENT.
 */
function removeReplaced(out: string, live: string): void {
  for (const name of readdirSync(out)) {
    if (name.startsWith(GEN_PREFIX) && name !== live) rmSync(join(out, name), { recursive: true, force: true });
    if (name.startsWith(`${CURRENT_FILE}.tmp-`) && name !== `${CURRENT_FILE}.tmp-${process.pid}`) {
      const pid = Number(name.split('-').pop());
      if (!alive(pid)) rmSync(join(out, name), { force: true });
    }
  }
}

/**
 * What a writer killed at any moment may leave — temporary folders, a
 * generation published without its predecessor removed — removed by the next
 * one, holding the lock, before it writes.
 */
export function removeLeftovers(out: string): void {
  removeStaleTemporaries(out);
  const live = readCurrent(out);
  if (live.kind === 'ok') removeReplaced(out, live.name);
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

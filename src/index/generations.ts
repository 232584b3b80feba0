/**
 * Generations of an index folder. A build writes `.tmp-<generation>-<pid>`,
 * renames it to `<generation>` when complete, and then points CURRENT at it by
 * writing `CURRENT.tmp-<pid>` and renaming it over CURRENT — an atomic step.
 * Whatever moment a build dies at, CURRENT names a whole generation.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CURRENT_FILE } from './format.js';

const GEN_PREFIX = 'gen-';
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

/** The live generation's folder, or undefined when the folder holds no index. */
export function currentGeneration(out: string): string | undefined {
  const p = join(out, CURRENT_FILE);
  if (!existsSync(p)) return undefined;
  const name = readFileSync(p, 'utf8').trim();
  if (!name.startsWith(GEN_PREFIX) || name.includes('/') || name.includes('..')) return name ? `invalid:${name}` : undefined;
  return join(out, name);
}

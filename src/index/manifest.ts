/**
 * manifest.json, writer and reader: what a generation holds (its segments,
 * their files and deletions), checksummed itself so that an edit that keeps
 * it valid JSON is still refused.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { excerpt } from '../common/printable.js';
import { IndexError, REBUILD } from './errors.js';
import { writeWhole, type FileRecord } from './files.js';
import { MANIFEST_FILE, type Manifest } from './format.js';
import { readCurrent } from './generations.js';
import { NotRegularFileError, readRegular } from './regular.js';

/** Manifests are small; anything bigger is not one (and is not read whole). */
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

function checksumOf(body: Omit<Manifest, 'checksum'>): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
}

export function writeManifest(dir: string, body: Omit<Manifest, 'checksum'>): FileRecord {
  const manifest: Manifest = { ...body, checksum: checksumOf(body) };
  return writeWhole(dir, MANIFEST_FILE, JSON.stringify(manifest, null, 1));
}

/** The live generation's folder and manifest, checked to be a whole, unedited manifest of an index. */
export function readManifest(dir: string): { genDir: string; manifest: Manifest } {
  if (!existsSync(dir)) throw new IndexError(`no index at ${dir}: the folder does not exist; run \`fahras index --out ${dir}\``);
  const current = readCurrent(dir);
  if (current.kind === 'none') throw new IndexError(`no index at ${dir}: it has no CURRENT file; run \`fahras index --out ${dir}\``);
  if (current.kind === 'invalid') throw new IndexError(`index at ${dir} is damaged: ${current.why ?? `CURRENT names "${excerpt(current.name)}"`}; ${REBUILD}`);
  const genDir = current.dir;
  const path = join(genDir, MANIFEST_FILE);
  let text: Buffer;
  try {
    text = readRegular(path, MAX_MANIFEST_BYTES);
  } catch (e) {
    if (e instanceof NotRegularFileError) throw new IndexError(`index at ${dir} is damaged: ${MANIFEST_FILE} is ${e.what}, not a regular file; ${REBUILD}`);
    if (e instanceof RangeError) throw new IndexError(`index at ${dir} is damaged: ${MANIFEST_FILE} is larger than any manifest; ${REBUILD}`);
    throw new IndexError(`index at ${dir} is damaged: ${MANIFEST_FILE} is missing; ${REBUILD}`);
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(text.toString('utf8')) as Manifest;
  } catch {
    throw new IndexError(`index at ${dir} is damaged: ${MANIFEST_FILE} is not valid JSON; ${REBUILD}`);
  }
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest) || typeof manifest.format !== 'number') {
    throw new IndexError(`index at ${dir} is damaged: ${MANIFEST_FILE} is not an index manifest; ${REBUILD}`);
  }
  return { genDir, manifest };
}

/** Throws unless the manifest's checksum matches its content (checked after its format version). */
export function verifyManifest(dir: string, manifest: Manifest): void {
  const { checksum, ...body } = manifest;
  if (typeof checksum !== 'string' || checksum !== checksumOf(body)) {
    throw new IndexError(`index at ${dir} is damaged: ${MANIFEST_FILE} does not match its checksum (edited?); ${REBUILD}`);
  }
  if (!Array.isArray(manifest.segments) || manifest.segments.some((s) => typeof s !== 'object' || s === null || typeof s.name !== 'string' || !/^s\d+$/.test(s.name))) {
    throw new IndexError(`index at ${dir} is damaged: ${MANIFEST_FILE} does not list its segments; ${REBUILD}`);
  }
}

/**
 * The merge of a parallel build: the runs of its chunks (runs.ts), read front
 * to back side by side, become the segment's postings.bin and positions.bin,
 * byte for byte as one builder writes them from the same documents. Term by
 * term in global order (the order of first appearance in the whole input),
 * each chunk's list of the term follows the previous chunk's, its first
 * posting re-based onto the chunk's first document (the only bytes that
 * change); positions are copied as they are. Stems come first, then the
 * surface forms' and the roots' lists that no stem list equals. Memory holds
 * one term's list and a small buffer per run, whatever the input's size.
 */
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { Growable } from '../common/growable.js';
import type { NamespaceName } from './builder.js';
import { HashedFile, type FileRecord } from './files.js';
import { copyBytes, PostingsSharing, rebaseList, REBASE_GROWTH } from './postings.js';
import { RunCursor, type RunInfo } from './runs.js';

/** A merged namespace, by global term number. */
export interface MergedNamespace {
  df: Uint32Array;
  start: Float64Array;
  end: Float64Array;
}

export interface MergedPostings {
  postings: FileRecord;
  positions: FileRecord;
  stems: MergedNamespace & { posStart: Float64Array; posEnd: Float64Array };
  norms: MergedNamespace;
  roots: MergedNamespace;
}

/** Bytes gathered before they are handed to the file. */
const STAGE_BYTES = 1 << 20;
/** Stem lists up to this long are kept in memory for the comparisons of sharing; longer ones are read back. */
const KEPT_LIST_BYTES = 64;

/**
 * Appends lists to a file through a buffer where the list being assembled
 * can still be kept or dropped (a list equal to a stem's is not written).
 */
class ListOutput {
  private buf = Buffer.allocUnsafe(STAGE_BYTES);
  /** Bytes of `buf` holding finished lists. */
  private kept = 0;
  /** End of the list being assembled. */
  private pos = 0;

  constructor(readonly file: HashedFile) {}

  /** Makes room for `n` more bytes of the list being assembled. */
  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    // The file keeps the buffer it is given: the list being assembled moves to a new one.
    const next = Buffer.allocUnsafe(Math.max(STAGE_BYTES, 2 * (this.pos - this.kept + n)));
    this.buf.copy(next, 0, this.kept, this.pos);
    if (this.kept) this.file.write(this.buf.subarray(0, this.kept));
    this.pos -= this.kept;
    this.kept = 0;
    this.buf = next;
  }

  /** Appends the list at `src[from, from + length)` re-based onto document `base`, after a list ending at document `last`. */
  appendRebased(src: Uint8Array, from: number, length: number, base: number, last: number): void {
    this.reserve(length + REBASE_GROWTH);
    this.pos = rebaseList(src, from, length, base, last, this.buf, this.pos);
  }

  /** Appends `src[from, from + length)`. */
  append(src: Buffer, from: number, length: number): void {
    this.reserve(length);
    this.pos = copyBytes(src, from, from + length, this.buf, this.pos);
  }

  /** The list assembled so far. */
  current(): Buffer {
    return this.buf.subarray(this.kept, this.pos);
  }

  /** Keeps the list assembled; returns where it lies in the file. */
  keep(): [number, number] {
    const start = this.file.size + this.kept;
    this.kept = this.pos;
    return [start, this.file.size + this.kept];
  }

  /** Drops the list assembled. */
  drop(): void {
    this.pos = this.kept;
  }

  /** Bytes at `[start, end)` of the file, kept earlier. */
  readBack(start: number, end: number): Uint8Array {
    const size = this.file.size;
    return start >= size ? this.buf.subarray(start - size, end - size) : this.file.readAt(start, end - start);
  }

  close(): FileRecord {
    if (this.kept) this.file.write(this.buf.subarray(0, this.kept));
    this.kept = this.pos = 0;
    return this.file.close();
  }
}

/**
 * Merges namespace `ns` of every run: calls `place(g)` once the list of
 * global term g is assembled in `out` (which keeps or drops it), appending
 * its positions to `positions` when given. `bases[c]` is the number of run
 * c's first document in the segment.
 */
function mergeNamespace(runs: readonly RunInfo[], fds: readonly number[], bases: readonly number[], ns: NamespaceName, terms: number, out: ListOutput, place: (g: number) => void, positions?: { out: ListOutput; start: Float64Array; end: Float64Array }): Uint32Array {
  const cursors = runs.map((r, c) => new RunCursor(fds[c], r[ns]));
  for (const cur of cursors) cur.next();
  const df = new Uint32Array(terms);
  for (let g = 0; g < terms; g++) {
    let last = -1;
    let d = 0;
    for (let c = 0; c < cursors.length; c++) {
      const cur = cursors[c];
      if (cur.global !== g) continue;
      out.appendRebased(cur.listBuf, cur.listAt, cur.listBytes, bases[c], last);
      if (positions) positions.out.append(cur.posBuf, cur.posAt, cur.posBytes);
      last = bases[c] + cur.last;
      d += cur.df;
      cur.next();
    }
    if (d === 0) throw new Error(`merge: ${ns} term ${g} is in no chunk`);
    df[g] = d;
    place(g);
    if (positions) [positions.start[g], positions.end[g]] = positions.out.keep();
  }
  for (const cur of cursors) if (cur.global !== Infinity) throw new Error(`merge: a chunk holds ${ns} terms past the last (${cur.global})`);
  return df;
}

/**
 * Merges `runs` into segment `name`'s postings and positions files in `dir`.
 * `terms` counts each namespace's global terms; `bases[c]` numbers run c's
 * first document.
 */
export function mergeRuns(dir: string, files: { postings: string; positions: string }, runs: readonly RunInfo[], bases: readonly number[], terms: Record<NamespaceName, number>): MergedPostings {
  const out = new ListOutput(new HashedFile(join(dir, files.postings)));
  const pos = new ListOutput(new HashedFile(join(dir, files.positions)));
  const fds: number[] = [];
  try {
    for (const r of runs) fds.push(openSync(r.path, 'r'));
    const s = { start: new Float64Array(terms.stems), end: new Float64Array(terms.stems), posStart: new Float64Array(terms.stems), posEnd: new Float64Array(terms.stems) };
    // Short stem lists stay in memory for the comparisons of sharing.
    const keptAt = new Float64Array(terms.stems).fill(-1);
    const keptBytes = new Growable(Uint8Array, 1 << 20);
    const sharing = new PostingsSharing((j) => (keptAt[j] >= 0 ? keptBytes.raw.subarray(keptAt[j], keptAt[j] + s.end[j] - s.start[j]) : out.readBack(s.start[j], s.end[j])));
    const stemDf = mergeNamespace(runs, fds, bases, 'stems', terms.stems, out, (g) => {
      const bytes = out.current();
      if (bytes.length <= KEPT_LIST_BYTES) {
        keptAt[g] = keptBytes.length;
        keptBytes.append(bytes);
      }
      sharing.add(g, bytes);
      [s.start[g], s.end[g]] = out.keep();
    }, { out: pos, start: s.posStart, end: s.posEnd });
    const other = (ns: 'norms' | 'roots'): MergedNamespace => {
      const start = new Float64Array(terms[ns]);
      const end = new Float64Array(terms[ns]);
      const df = mergeNamespace(runs, fds, bases, ns, terms[ns], out, (g) => {
        const twin = sharing.twinOf(out.current());
        if (twin < 0) [start[g], end[g]] = out.keep();
        else {
          out.drop();
          start[g] = s.start[twin];
          end[g] = s.end[twin];
        }
      });
      return { df, start, end };
    };
    const norms = other('norms');
    const roots = other('roots');
    return { postings: out.close(), positions: pos.close(), stems: { df: stemDf, ...s }, norms, roots };
  } catch (e) {
    out.file.abandon();
    pos.file.abandon();
    throw e;
  } finally {
    for (const fd of fds) closeSync(fd);
  }
}

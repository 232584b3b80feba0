/**
 * The jumps of a segment's long texts (JUMP_WORDS in positions.ts), gathered
 * document by document as a builder scans them; the jumps of consecutive
 * chunks are appended in document order, so a parallel build lays out the
 * arrays a single builder does.
 */
import { Growable } from '../common/growable.js';

/** The jump arrays of some documents, numbered from 0, `first` without its closing entry. */
export interface JumpArrays {
  doc: Uint32Array;
  first: Uint32Array;
  position: Uint32Array;
  offset: Uint32Array;
}

export class Jumps {
  private readonly doc = new Growable(Uint32Array, 16);
  private readonly first = new Growable(Uint32Array, 16);
  private readonly position = new Growable(Uint32Array, 256);
  private readonly offset = new Growable(Uint32Array, 256);

  /** Jumps of document `doc` follow. */
  begin(doc: number): void {
    this.doc.push(doc);
    this.first.push(this.position.length);
  }

  /** The word at `position` begins at character `offset`. */
  push(position: number, offset: number): void {
    this.position.push(position);
    this.offset.push(offset);
  }

  /** Appends the jumps of the documents after this one's first `documents`. */
  append(j: JumpArrays, documents: number): void {
    const base = this.position.length;
    for (const d of j.doc) this.doc.push(d + documents);
    for (const f of j.first) this.first.push(f + base);
    this.position.append(j.position);
    this.offset.append(j.offset);
  }

  arrays(): JumpArrays {
    return { doc: this.doc.toArray(), first: this.first.toArray(), position: this.position.toArray(), offset: this.offset.toArray() };
  }

  clear(): void {
    this.doc.clear();
    this.first.clear();
    this.position.clear();
    this.offset.clear();
  }
}

/** The arrays a segment stores (packArrays): `first` closed by the end of the last document's jumps. */
export function jumpArraysOf(j: JumpArrays): { jumpDoc: Uint32Array; jumpFirst: Uint32Array; jumpPosition: Uint32Array; jumpOffset: Uint32Array } {
  const first = new Uint32Array(j.first.length + 1);
  first.set(j.first);
  first[j.first.length] = j.position.length;
  return { jumpDoc: j.doc, jumpFirst: first, jumpPosition: j.position, jumpOffset: j.offset };
}

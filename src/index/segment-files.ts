/**
 * The last files of a segment, written the same way whichever path laid out
 * its postings (one builder in memory, or the merge of a parallel build's
 * chunks): the lexicon, the display spellings, the ids and the arrays, each
 * namespace sorted into lexicon order here; then the segment's manifest entry.
 */
import { compactOffsets, packArrays } from './arrays.js';
import { writeWhole } from './files.js';
import { segmentFile, type FileRecord, type SegmentEntry } from './format.js';
import { jumpArraysOf, type JumpArrays } from './jumps.js';
import { lexiconLines, lexiconOrder } from './lexicon.js';

/** One namespace of a segment, by term number (any order: sorted here). */
export interface NamespaceFiles {
  terms: readonly string[];
  df: Uint32Array;
  /** Where each term's postings begin and end in postings.bin. */
  start: Float64Array;
  end: Float64Array;
}

/** What a segment holds per document, in document order. */
export interface SegmentDocuments {
  ids: readonly string[];
  /** Non-stop words of each title and text, and their sums. */
  titleLength: Uint32Array;
  textLength: Uint32Array;
  titleWords: number;
  textWords: number;
  /** Source number of each document, into `sources` (0: none). */
  source: Uint32Array;
  sources: string[];
  /** Day number of each document's date (NO_DATE: none). */
  date: Int32Array;
  /** Where each stored document begins in store.bin (plus the end), and its record's CRC-32. */
  storeOffset: Float64Array;
  storeCrc: Uint32Array;
  /** Jumps into the long texts (jumps.ts). */
  jumps: JumpArrays;
}

export interface SegmentParts {
  stems: NamespaceFiles & { posStart: Float64Array; posEnd: Float64Array };
  norms: NamespaceFiles & { display: readonly string[] };
  roots: NamespaceFiles;
  documents: SegmentDocuments;
  /** The files already written (postings, positions, store). */
  files: Record<string, FileRecord>;
}

/** `a` rearranged into `order` (old positions by new). */
function permute<T extends Float64Array | Uint32Array>(a: T, order: readonly number[]): T {
  const out = new (a.constructor as new (n: number) => T)(order.length);
  for (let i = 0; i < order.length; i++) out[i] = a[order[i]];
  return out;
}

/** Writes segment `name`'s lexicon, display spellings, ids and arrays into `dir`; returns its manifest entry. */
export function writeSegmentFiles(dir: string, name: string, parts: SegmentParts): SegmentEntry {
  const { stems, norms, roots, documents: d } = parts;
  const file = (f: Parameters<typeof segmentFile>[1]) => segmentFile(name, f);
  const files: Record<string, FileRecord> = { ...parts.files };
  const s = lexiconOrder(stems.terms);
  const n = lexiconOrder(norms.terms);
  const r = lexiconOrder(roots.terms);
  files[file('lexicon')] = writeWhole(dir, file('lexicon'), lexiconLines(stems.terms, s) + lexiconLines(norms.terms, n) + lexiconLines(roots.terms, r));
  // An empty line: the readable spelling is the surface form itself.
  const display = (t: number) => (norms.display[t] === norms.terms[t] ? '' : norms.display[t]);
  files[file('display')] = writeWhole(dir, file('display'), n.map((t) => display(t) + '\n').join(''));
  files[file('ids')] = writeWhole(dir, file('ids'), JSON.stringify(d.ids));
  const { buffer, entries } = packArrays({
    stemDf: permute(stems.df, s),
    stemStart: compactOffsets(permute(stems.start, s)),
    stemEnd: compactOffsets(permute(stems.end, s)),
    stemPosStart: compactOffsets(permute(stems.posStart, s)),
    stemPosEnd: compactOffsets(permute(stems.posEnd, s)),
    normDf: permute(norms.df, n),
    normStart: compactOffsets(permute(norms.start, n)),
    normEnd: compactOffsets(permute(norms.end, n)),
    rootDf: permute(roots.df, r),
    rootStart: compactOffsets(permute(roots.start, r)),
    rootEnd: compactOffsets(permute(roots.end, r)),
    titleLength: d.titleLength,
    textLength: d.textLength,
    source: d.source,
    date: d.date,
    storeOffset: d.storeOffset,
    storeCrc: d.storeCrc,
    ...jumpArraysOf(d.jumps),
  });
  files[file('arrays')] = writeWhole(dir, file('arrays'), buffer);
  return {
    name,
    documents: d.ids.length,
    stemTerms: s.length,
    normTerms: n.length,
    rootTerms: r.length,
    titleWords: d.titleWords,
    textWords: d.textWords,
    sources: d.sources,
    arrays: entries,
    files,
    deletes: null,
  };
}

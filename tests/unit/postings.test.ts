import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ARRAY_SCHEMA, compactOffsets, packArrays, unpackArrays, type IndexArrays } from '../../src/index/arrays.js';
import { Lexicon, lexiconLines, lexiconOrder, readLines } from '../../src/index/lexicon.js';
import {
  decodePostings,
  layoutPostings,
  MAX_TEXT_TF,
  MAX_TITLE_TF,
  packFrequencies,
  PLAIN_FREQUENCY,
  postingLength,
  PostingsSharing,
  textFrequency,
  titleFrequency,
  writePosting,
} from '../../src/index/postings.js';
import { readVarint, varintLength, writeVarint } from '../../src/index/varint.js';

describe('varint', () => {
  it('round-trips every size class and reports its length', () => {
    for (const n of [0, 1, 127, 128, 16383, 16384, 2 ** 21 - 1, 2 ** 21, 2 ** 28 - 1, 2 ** 28, 2 ** 32 - 1]) {
      const buf = new Uint8Array(8);
      const end = writeVarint(buf, 1, n);
      expect(end - 1).toBe(varintLength(n));
      expect(readVarint(buf, 1)).toEqual({ value: n, next: end });
    }
  });

  it('round-trips any sequence of 32-bit values', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { maxLength: 50 }), (values) => {
        const buf = new Uint8Array(values.length * 5);
        let p = 0;
        for (const v of values) p = writeVarint(buf, p, v);
        const back: number[] = [];
        for (let q = 0; q < p; ) {
          const r = readVarint(buf, q);
          back.push(r.value);
          q = r.next;
        }
        expect(back).toEqual(values);
      }),
    );
  });
});

describe('the frequency byte', () => {
  it('holds title and text frequencies, each capped', () => {
    expect(packFrequencies(0, 1)).toBe(PLAIN_FREQUENCY);
    const f = packFrequencies(2, 17);
    expect([titleFrequency(f), textFrequency(f)]).toEqual([2, 17]);
    const capped = packFrequencies(40, 1000);
    expect([titleFrequency(capped), textFrequency(capped)]).toEqual([MAX_TITLE_TF, MAX_TEXT_TF]);
  });
});

describe('the posting codec', () => {
  const postingList = fc
    .uniqueArray(fc.integer({ min: 0, max: 200_000 }), { maxLength: 60 })
    .map((docs) => docs.sort((a, b) => a - b))
    .chain((docs) => fc.tuple(fc.constant(docs), fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 80 })), { minLength: docs.length, maxLength: docs.length })));

  it('decodes what it encodes: documents and frequency bytes, a plain occurrence costing no byte', () => {
    fc.assert(
      fc.property(postingList, ([docs, tfs]) => {
        const freqs = tfs.map(([title, text]) => packFrequencies(title, Math.max(text, title === 0 ? 1 : 0)));
        let size = 0;
        docs.forEach((d, i) => (size += postingLength(d - (i ? docs[i - 1] : -1), freqs[i])));
        const buf = new Uint8Array(size + 3);
        let p = 3;
        docs.forEach((d, i) => (p = writePosting(buf, p, d - (i ? docs[i - 1] : -1), freqs[i])));
        expect(p).toBe(size + 3);
        expect(decodePostings(buf, 3, p)).toEqual({ docs, freqs });
      }),
    );
  });

  it('lays out postings gathered document by document as lists term by term', () => {
    // doc 0: terms 0 (plain) and 2 (title 1, text 2); doc 1: term 2 (plain); doc 2: terms 1 and 0
    const docStart = Uint32Array.from([0, 2, 3, 5]);
    const postTerm = Uint32Array.from([0, 2, 2, 1, 0]);
    const postFreq = Uint8Array.from([1, packFrequencies(1, 2), 1, 1, 3]);
    const lists = layoutPostings(3, docStart, postTerm, postFreq);
    expect(decodePostings(lists.bytes, lists.start[0], lists.end[0])).toEqual({ docs: [0, 2], freqs: [1, 3] });
    expect(decodePostings(lists.bytes, lists.start[1], lists.end[1])).toEqual({ docs: [2], freqs: [1] });
    expect(decodePostings(lists.bytes, lists.start[2], lists.end[2])).toEqual({ docs: [0, 1], freqs: [packFrequencies(1, 2), 1] });
  });

  it('stores a list identical to a primary list once', () => {
    const primary = layoutPostings(2, Uint32Array.from([0, 1, 2]), Uint32Array.from([0, 1]), Uint8Array.from([1, 1]));
    const other = layoutPostings(2, Uint32Array.from([0, 1, 2]), Uint32Array.from([0, 0]), Uint8Array.from([1, 1]));
    const sharing = PostingsSharing.of(primary);
    // other's term 1 never occurs (an empty list, equal to nothing of the primary); term 0 is [0, 1], new bytes
    const placed = sharing.place(other, primary, primary.bytes.length);
    const file = Buffer.concat([primary.bytes, placed.bytes]);
    expect(decodePostings(file, placed.start[0], placed.end[0]).docs).toEqual([0, 1]);
    const twin = layoutPostings(1, Uint32Array.from([0, 0, 1]), Uint32Array.from([0]), Uint8Array.from([1]));
    const shared = sharing.place(twin, primary, primary.bytes.length);
    expect(shared.bytes.length).toBe(0);
    expect([shared.start[0], shared.end[0]]).toEqual([primary.start[1], primary.end[1]]);
  });
});

describe('the array schema', () => {
  const arrays = (n: number, big: boolean): IndexArrays => ({
    stemDf: Uint32Array.from({ length: 3 }, (_, i) => i + 1),
    stemStart: big ? Float64Array.from([0, 2 ** 33, 2 ** 34]) : Uint32Array.from([0, 5, 9]),
    stemEnd: compactOffsets(Float64Array.from([5, 9, 12])),
    stemPosStart: Uint32Array.from([0, 3, 7]),
    stemPosEnd: Uint32Array.from([3, 7, 8]),
    normDf: Uint32Array.from([4]),
    normStart: Uint32Array.from([12]),
    normEnd: Uint32Array.from([15]),
    rootDf: new Uint32Array(0),
    rootStart: new Uint32Array(0),
    rootEnd: new Uint32Array(0),
    titleLength: Uint32Array.from({ length: n }, (_, i) => i),
    textLength: Uint32Array.from({ length: n }, (_, i) => i * 10),
    source: new Uint32Array(n),
    date: Int32Array.from({ length: n }, (_, i) => 16_600 + i),
    storeOffset: Float64Array.from({ length: n + 1 }, (_, i) => i * 100),
    storeCrc: Uint32Array.from({ length: n }, (_, i) => 0xdeadbeef - i),
    jumpDoc: Uint32Array.from([1]),
    jumpFirst: Uint32Array.from([0, 2]),
    jumpPosition: Uint32Array.from([0, 1024]),
    jumpOffset: Uint32Array.from([0, 70_000]),
  });

  it('round-trips every array in schema order, 8-byte aligned', () => {
    for (const big of [false, true]) {
      const a = arrays(7, big);
      const { buffer, entries } = packArrays(a);
      expect(entries.map((e) => e.name)).toEqual(Object.keys(ARRAY_SCHEMA));
      for (const e of entries) expect(e.offset % 8).toBe(0);
      const back = unpackArrays(buffer, entries);
      for (const name of Object.keys(ARRAY_SCHEMA) as (keyof IndexArrays)[]) {
        expect(back[name].constructor).toBe(a[name].constructor);
        expect(Array.from(back[name])).toEqual(Array.from(a[name]));
      }
    }
  });

  it('keeps 32-bit offsets while they fit', () => {
    expect(compactOffsets(Float64Array.from([1, 2 ** 32 - 1]))).toBeInstanceOf(Uint32Array);
    expect(compactOffsets(Float64Array.from([1, 2 ** 32]))).toBeInstanceOf(Float64Array);
  });

  it('refuses a missing array, a wrong type and an array running past the end', () => {
    const { buffer, entries } = packArrays(arrays(4, false));
    expect(() => unpackArrays(buffer, entries.filter((e) => e.name !== 'date'))).toThrow(/date is missing/);
    expect(() => unpackArrays(buffer, entries.map((e) => (e.name === 'date' ? { ...e, type: 'f32' as const } : e)))).toThrow(/date has type f32/);
    expect(() => unpackArrays(buffer, entries.map((e) => (e.name === 'storeOffset' ? { ...e, length: e.length * 1000 } : e)))).toThrow(/runs past the end/);
  });
});

describe('the lexicon', () => {
  const words = ['نفط', 'النفط', 'نفطي', 'اسعار', 'سعر', 'نفوذ', 'ب'];
  const order = lexiconOrder(words);
  const sorted = readLines(Buffer.from(lexiconLines(words, order)));
  const df = Uint32Array.from(order, (t) => [50, 9, 3, 40, 7, 12, 1][t]);
  const zeros = new Uint32Array(words.length);
  const lex = new Lexicon(sorted, df, zeros, zeros, sorted.map((t) => (t === 'اسعار' ? 'أسعار' : '')));

  it('writes terms sorted by code unit, one a line, and reads them back', () => {
    expect(sorted).toEqual([...words].sort());
    expect(sorted.length).toBe(words.length);
  });

  it('finds a term exactly, and not a missing one', () => {
    for (const w of words) expect(sorted[lex.id(w)]).toBe(w);
    expect(lex.id('نف')).toBe(-1);
    expect(lex.id('')).toBe(-1);
  });

  it('gives the range of a prefix and its most frequent terms first', () => {
    const [lo, hi] = lex.prefixRange('نف');
    expect(sorted.slice(lo, hi).sort()).toEqual(['نفط', 'نفطي', 'نفوذ']);
    expect(lex.topByPrefix('نف', 2).map((i) => sorted[i])).toEqual(['نفط', 'نفوذ']);
    expect(lex.prefixRange('ي')).toEqual([sorted.length, sorted.length]);
  });

  it('finds near spellings within the edits allowed, and reads a term in its recorded spelling', () => {
    const near = lex.fuzzy('نفطى', 1).map(([i, d]) => [sorted[i], d]);
    expect(near).toContainEqual(['نفطي', 1]);
    expect(near).toContainEqual(['نفط', 1]);
    expect(near.every(([, d]) => (d as number) <= 1)).toBe(true);
    expect(lex.readable(lex.id('اسعار'))).toBe('أسعار');
    expect(lex.readable(lex.id('سعر'))).toBe('سعر');
  });
});

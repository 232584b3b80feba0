/**
 * Records that pass their CRC-32 but do not inflate or parse: a store's reader
 * keeps one zlib handle for all its records, so a record that breaks it must
 * cost that record alone. Stores are written from real Arabic documents,
 * records damaged in ways a checksum cannot see (the CRC-32 kept for the
 * damaged bytes): cut short, a reserved block type, empty, text that is not
 * JSON. Read in a seeded order, two stores with different dictionaries taking
 * turns: every damaged record throws DamagedRecordError naming its document,
 * every other reads back as written, documents larger than the shared buffers
 * included, and nothing fails later (a zlib error is also an event on the
 * next tick).
 */
import { mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { Document } from '../../src/ingest/document.js';
import { DamagedRecordError } from '../../src/index/errors.js';
import { compressDocuments, storeDictionary, StoreReader } from '../../src/index/store.js';
import { arabicText } from './corpus.js';
import { prng } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'fahras-store-records-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface TestStore {
  reader: StoreReader;
  /** Per record: the document it reads back as, or undefined when damaged. */
  expected: (Document | undefined)[];
  ids: string[];
}

/** A store.bin of `docs` followed by damaged records of the same dictionary, each with the CRC-32 of its damaged bytes. */
function writeStore(name: string, docs: Document[]): TestStore {
  const dict = storeDictionary(docs);
  const r = compressDocuments(docs, dict);
  const records: Buffer[] = [];
  let at = 0;
  for (const len of r.lengths) records.push(Buffer.from(r.data.subarray(at, (at += len))));
  const first = records[0];
  const reserved = Buffer.from(first);
  reserved[0] |= 0b110; // BTYPE 11: a reserved block type
  const damaged = [first.subarray(0, first.length >> 1), reserved, Buffer.alloc(0), deflateRawSync(Buffer.from('نص ليس JSON', 'utf16le'), { dictionary: dict })];
  const all = [...records, ...damaged];
  const offsets = new Float64Array(all.length + 1);
  all.forEach((b, i) => (offsets[i + 1] = offsets[i] + b.length));
  const file = join(dir, `${name}.store.bin`);
  writeFileSync(file, Buffer.concat(all));
  const ids = [...docs.map((d) => d.id), ...damaged.map((_, i) => `${name}-تالف-${i}`)];
  const reader = new StoreReader(openSync(file, 'r'), dict, offsets, Uint32Array.from(all, (b) => crc32(b)), (doc) => new DamagedRecordError(ids[doc]));
  return { reader, expected: [...docs, ...damaged.map(() => undefined)], ids };
}

function documents(name: string, n: number, rand: () => number): Document[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${name}-${i}`,
    title: arabicText(40, rand),
    // Two of them larger than the buffers every store shares (64 KiB deflated, 128 KiB inflated).
    text: arabicText(i === 3 ? 150_000 : i === 7 ? 70_000 : 200 + Math.floor(rand() * 4000), rand),
    metadata: { source: ['الرياض', 'عكاظ'][i % 2] },
  }));
}

describe('store records that pass their checksum but are damaged', () => {
  it('cost their own document only, whatever was read before and after', async () => {
    const rand = prng(1616);
    const stores = [writeStore('أ', documents('أ', 12, rand)), writeStore('ب', documents('ب', 9, rand))];
    try {
      const seen = { good: 0, damaged: 0 };
      for (let i = 0; i < 600; i++) {
        const s = stores[Math.floor(rand() * stores.length)];
        const doc = Math.floor(rand() * s.expected.length);
        const want = s.expected[doc];
        if (want) {
          expect(s.reader.read(doc), `${s.ids[doc]} after ${i} reads`).toEqual(want);
          seen.good++;
        } else {
          expect(() => s.reader.read(doc)).toThrow(DamagedRecordError);
          expect(() => s.reader.read(doc)).toThrow(JSON.stringify(s.ids[doc]));
          seen.damaged++;
        }
      }
      expect(seen.good).toBeGreaterThan(300);
      expect(seen.damaged).toBeGreaterThan(50);
      // A zlib failure is also emitted as an event on a later tick: it must not surface as an uncaught error.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(stores[0].reader.read(3)).toEqual(stores[0].expected[3]);
    } finally {
      for (const s of stores) s.reader.close();
    }
  });

  it('each damage alone, then the next record of the store reads', () => {
    const rand = prng(2024);
    const s = writeStore('ج', documents('ج', 4, rand));
    try {
      for (let doc = 4; doc < s.expected.length; doc++) {
        expect(() => s.reader.read(doc)).toThrow(DamagedRecordError);
        for (let good = 0; good < 4; good++) expect(s.reader.read(good)).toEqual(s.expected[good]);
      }
    } finally {
      s.reader.close();
    }
  });
});


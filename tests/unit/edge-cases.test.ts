import { mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDate } from '../../src/index/dates.js';
import { recordToDocument } from '../../src/ingest/document.js';
import { buildIndex } from '../../src/index/build.js';
import { DamagedRecordError } from '../../src/index/errors.js';
import { openIndex } from '../../src/search/searcher.js';

const root = mkdtempSync(join(tmpdir(), 'fahras-edge-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('edge cases', () => {
  it('reads years before 100 as written', () => {
    expect(parseDate('0001-01-01')).toBe(-719162);
    expect(parseDate('0099-12-31')! < parseDate('0100-01-01')!).toBe(true);
    expect(parseDate('1970-01-02')).toBe(1);
    expect(parseDate('2015-02-30')).toBeUndefined();
  });

  it('refuses a document id that is not valid Unicode', () => {
    expect(recordToDocument({ id: 'bad\ud800id', text: 'نص عن الطاقة' }, 'f')).toMatch(/not valid Unicode/);
    expect(recordToDocument({ id: 'مقال😀', text: 'نص عن الطاقة' }, 'f')).toMatchObject({ id: 'مقال😀' });
  });

  it('reports a damaged stored document as such, not a zlib error, and still answers the search', async () => {
    const out = join(root, 'idx');
    await buildIndex({ input: 'seeds', out });
    const gen = readFileSync(join(out, 'CURRENT'), 'utf8').trim();
    expect(readdirSync(join(out, gen))).toContain('s1.store.bin');
    const fd = openSync(join(out, gen, 's1.store.bin'), 'r+');
    writeSync(fd, Buffer.alloc(64, 0xff), 0, 64, 0);
    closeSync(fd);
    const s = await openIndex(out);
    const hit = s.search('الإرهاب').hits[0];
    expect(hit).toMatchObject({ damaged: true, title: '', metadata: {} });
    expect(() => s.getDocument(hit.id)).toThrow(DamagedRecordError);
    expect(() => s.getDocument(hit.id)).toThrow(/stored copy of document .* is damaged.*fahras index/);
    s.close();
  });
});

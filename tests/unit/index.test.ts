import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../../src/index/build.js';
import { DocumentLoadError, loadDocuments, type LoadProblem } from '../../src/ingest/load.js';
import type { Document } from '../../src/ingest/document.js';
import { IndexError } from '../../src/index/open.js';
import type { Manifest } from '../../src/index/format.js';
import { writeManifest } from '../../src/index/manifest.js';
import { openIndex } from '../../src/search/searcher.js';

const SEEDS = new URL('../../seeds', import.meta.url).pathname;
const NEWS = new URL('../fixtures/news.jsonl', import.meta.url).pathname;

let tmp: string;
let base: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'fahras-index-test-'));
  base = join(tmp, 'base');
  await buildIndex({ input: SEEDS, out: base });
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

let copies = 0;
/** A fresh copy of the base index to damage. */
function copyOfBase(): { dir: string; gen: string } {
  const dir = join(tmp, `copy-${++copies}`);
  cpSync(base, dir, { recursive: true });
  const gen = readFileSync(join(dir, 'CURRENT'), 'utf8').trim();
  return { dir, gen };
}

const generations = (dir: string): string[] => readdirSync(dir).filter((n) => n.startsWith('gen-'));

async function expectIndexError(dir: string, pattern: RegExp): Promise<string> {
  let error: unknown;
  try {
    (await openIndex(dir)).close();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(IndexError);
  const message = (error as Error).message;
  expect(message).toMatch(pattern);
  expect(message).toContain('run `fahras index');
  expect(message).not.toContain('\n');
  return message;
}

async function load(input: string, strict = false): Promise<{ docs: Document[]; problems: LoadProblem[] }> {
  const docs: Document[] = [];
  const problems: LoadProblem[] = [];
  for await (const d of loadDocuments(input, { strict, onProblem: (p) => problems.push(p) })) docs.push(d);
  return { docs, problems };
}

function folder(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmp, 'docs-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

describe('index persistence', () => {
  it('holds CURRENT and exactly one generation, named by CURRENT', () => {
    const names = readdirSync(base);
    expect(names).toContain('CURRENT');
    const gens = generations(base);
    expect(gens).toHaveLength(1);
    expect(readFileSync(join(base, 'CURRENT'), 'utf8').trim()).toBe(gens[0]);
    expect(names.filter((n) => n !== 'CURRENT' && !n.startsWith('gen-'))).toEqual([]);
    for (const f of ['manifest.json', 's1.lexicon.txt', 's1.postings.bin', 's1.positions.bin', 's1.arrays.bin', 's1.store.bin', 's1.ids.json']) {
      expect(existsSync(join(base, gens[0], f)), f).toBe(true);
    }
  });

  it('a rebuild replaces the generation and removes the old one', async () => {
    const { dir, gen } = copyOfBase();
    const summary = await buildIndex({ input: NEWS, out: dir });
    expect(summary.documents).toBe(8);
    expect(summary.generation).not.toBe(gen);
    expect(generations(dir)).toEqual([summary.generation]);
    expect(readFileSync(join(dir, 'CURRENT'), 'utf8').trim()).toBe(summary.generation);
    expect(existsSync(join(dir, gen))).toBe(false);
    const s = await openIndex(dir);
    try {
      expect(s.stats().documents).toBe(8);
      expect(s.getDocument('n1')?.title).toContain('أوبك');
      expect(s.getDocument('000_007ff8f57a8682c6')).toBeUndefined();
    } finally {
      s.close();
    }
  });

  it('ignores a leftover temporary folder from a dead build and cleans it on the next build', async () => {
    const { dir } = copyOfBase();
    const dead = join(dir, '.tmp-gen-20200101-000000000-dead00-2147483646');
    const junk = join(dir, '.tmp-gen-junk');
    mkdirSync(dead);
    writeFileSync(join(dead, 'manifest.json'), '{ half written');
    mkdirSync(junk);
    const s = await openIndex(dir);
    expect(s.search('الإرهاب').total).toBe(1);
    s.close();
    await buildIndex({ input: SEEDS, out: dir });
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(junk)).toBe(false);
    expect(readdirSync(dir).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
    expect(generations(dir)).toHaveLength(1);
  });

  it('a failed build leaves the previous index whole and no temporary folder', async () => {
    const { dir, gen } = copyOfBase();
    const empty = mkdtempSync(join(tmp, 'empty-'));
    await expect(buildIndex({ input: empty, out: dir })).rejects.toThrow(/no documents/);
    expect(generations(dir)).toEqual([gen]);
    expect(readdirSync(dir).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
    const s = await openIndex(dir);
    expect(s.stats().documents).toBe(1);
    s.close();
  });

  it('builds into a folder that does not exist yet', async () => {
    const out = join(tmp, 'deep', 'er', 'index');
    const summary = await buildIndex({ input: NEWS, out });
    expect(summary.documents).toBe(8);
    expect(generations(out)).toHaveLength(1);
  });

  describe('opening a missing, damaged or foreign index throws a one-line IndexError', () => {
    it('missing folder', async () => {
      const m = await expectIndexError(join(tmp, 'nowhere'), /no index|does not exist/);
      expect(m).toContain(join(tmp, 'nowhere'));
    });

    it('missing CURRENT', async () => {
      const { dir } = copyOfBase();
      rmSync(join(dir, 'CURRENT'));
      await expectIndexError(dir, /CURRENT/);
    });

    it('CURRENT naming something that is not a generation', async () => {
      const { dir } = copyOfBase();
      writeFileSync(join(dir, 'CURRENT'), '../../etc\n');
      await expectIndexError(dir, /CURRENT|damaged/);
    });

    it('CURRENT naming a generation that is gone', async () => {
      const { dir, gen } = copyOfBase();
      rmSync(join(dir, gen), { recursive: true });
      await expectIndexError(dir, /damaged|missing/);
    });

    it('truncated postings.bin', async () => {
      const { dir, gen } = copyOfBase();
      const p = join(dir, gen, 's1.postings.bin');
      truncateSync(p, Math.floor(readFileSync(p).length / 2));
      await expectIndexError(dir, /postings\.bin/);
    });

    it('truncated store.bin', async () => {
      const { dir, gen } = copyOfBase();
      truncateSync(join(dir, gen, 's1.store.bin'), 10);
      await expectIndexError(dir, /store\.bin/);
    });

    it('a flipped byte in lexicon.txt', async () => {
      const { dir, gen } = copyOfBase();
      const p = join(dir, gen, 's1.lexicon.txt');
      const buf = readFileSync(p);
      buf[Math.floor(buf.length / 2)] ^= 0x01;
      writeFileSync(p, buf);
      await expectIndexError(dir, /lexicon\.txt.*checksum|checksum.*lexicon\.txt/);
    });

    it('a missing postings.bin', async () => {
      const { dir, gen } = copyOfBase();
      rmSync(join(dir, gen, 's1.postings.bin'));
      await expectIndexError(dir, /postings\.bin/);
    });

    it('manifest that is not JSON', async () => {
      const { dir, gen } = copyOfBase();
      writeFileSync(join(dir, gen, 'manifest.json'), '{"format": 1,');
      await expectIndexError(dir, /manifest/);
    });

    it('manifest of another format', async () => {
      const { dir, gen } = copyOfBase();
      const p = join(dir, gen, 'manifest.json');
      writeFileSync(p, JSON.stringify({ ...JSON.parse(readFileSync(p, 'utf8')), format: 999 }));
      await expectIndexError(dir, /format 999/);
    });

    /** Rewrites the manifest as another fahras would write it: edited, with a checksum to match. */
    const rewrite = (dir: string, gen: string, edit: Partial<Manifest>) => {
      const { checksum: _, ...body } = JSON.parse(readFileSync(join(dir, gen, 'manifest.json'), 'utf8')) as Manifest;
      writeManifest(join(dir, gen), { ...body, ...edit });
    };

    it('manifest of another analyzer version', async () => {
      const { dir, gen } = copyOfBase();
      rewrite(dir, gen, { analyzerVersion: 999 });
      await expectIndexError(dir, /analyzer 999/);
    });

    it('manifest with other analysis settings', async () => {
      const { dir, gen } = copyOfBase();
      rewrite(dir, gen, { settingsHash: '0000000000000000' });
      await expectIndexError(dir, /settings/);
    });

    it('a manifest edited by hand, still valid JSON, does not match its checksum', async () => {
      const { dir, gen } = copyOfBase();
      const p = join(dir, gen, 'manifest.json');
      const m = JSON.parse(readFileSync(p, 'utf8')) as Manifest;
      m.segments[0].documents -= 1;
      writeFileSync(p, JSON.stringify(m));
      await expectIndexError(dir, /manifest\.json does not match its checksum/);
    });
  });
});

describe('documents loader', () => {
  it('.txt: first line is the title, the rest the text, the file name the id', async () => {
    const { docs, problems } = await load(SEEDS);
    expect(problems).toEqual([]);
    expect(docs).toHaveLength(1);
    expect(docs[0].id).toBe('000_007ff8f57a8682c6');
    expect(docs[0].title).toBe('مشاورات عراقية أميركية لتدشين مرحلة جديدة في التعاون الأمني');
    expect(docs[0].text.startsWith('بغداد - دشَّن العراق')).toBe(true);
  });

  it('.md: a heading title loses its #', async () => {
    const dir = folder({ 'a.md': '# عنوان المقال\n\nنص المقال عن الطاقة.\n' });
    const { docs } = await load(dir);
    expect(docs).toEqual([{ id: 'a', title: 'عنوان المقال', text: '\nنص المقال عن الطاقة.\n', metadata: {} }]);
  });

  it('.json: an object is one document, an array many', async () => {
    const dir = folder({
      'one.json': JSON.stringify({ title: 'عنوان', text: 'نص واحد', source: 'bbc', date: '2024-01-01' }),
      'many.json': JSON.stringify([
        { id: 'm1', title: 'أول', text: 'النص الأول' },
        { title: 'ثان', text: 'النص الثاني' },
      ]),
    });
    const { docs, problems } = await load(dir);
    expect(problems).toEqual([]);
    expect(docs.map((d) => d.id)).toEqual(['m1', 'many-2', 'one']);
    const one = docs.find((d) => d.id === 'one')!;
    expect(one.metadata).toEqual({ source: 'bbc', date: '2024-01-01' });
    expect(one.text).toBe('نص واحد');
  });

  it('.jsonl: one record a line, metadata kept', async () => {
    const { docs, problems } = await load(NEWS);
    expect(problems).toEqual([]);
    expect(docs.map((d) => d.id)).toEqual(['n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7', 'n8']);
    expect(docs[0].metadata).toEqual({ source: 'aljazeera', date: '2024-03-05' });
  });

  it('.jsonl.gz reads like .jsonl', async () => {
    const dir = folder({ 'news.jsonl.gz': gzipSync(readFileSync(NEWS)) });
    const { docs, problems } = await load(dir);
    expect(problems).toEqual([]);
    expect(docs).toHaveLength(8);
    expect(docs[7].title).toBe('مكافحة الإرهاب على جدول أعمال القمة');
  });

  it('strips a UTF-8 byte-order mark from .txt, .json and .jsonl', async () => {
    const bom = '\ufeff';
    const dir = folder({
      'a.txt': `${bom}عنوان\nنص`,
      'b.json': `${bom}${JSON.stringify({ id: 'b', title: 'ب', text: 'نص' })}`,
      'c.jsonl': `${bom}${JSON.stringify({ id: 'c', title: 'ج', text: 'نص' })}\n`,
    });
    const { docs, problems } = await load(dir);
    expect(problems).toEqual([]);
    expect(docs.map((d) => [d.id, d.title])).toEqual([
      ['a', 'عنوان'],
      ['b', 'ب'],
      ['c', 'ج'],
    ]);
  });

  it('reports invalid UTF-8, invalid JSON, records without text and duplicate ids with file and line, and skips them', async () => {
    const good = (id: string) => JSON.stringify({ id, title: 'عنوان', text: `نص ${id}` });
    const bad = Buffer.concat([
      Buffer.from(good('x1') + '\n'),
      Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d, 0x0a]), // line 2: invalid UTF-8
      Buffer.from('{"id": "x3", "text": \n'), // line 3: invalid JSON
      Buffer.from(JSON.stringify({ id: 'x4', title: 'بلا نص' }) + '\n'), // line 4: no text
      Buffer.from(good('x1') + '\n'), // line 5: duplicate id
      Buffer.from('\n'), // line 6: blank, ignored
      Buffer.from(good('x7') + '\n'),
    ]);
    const dir = folder({ 'bad.jsonl': bad });
    const file = join(dir, 'bad.jsonl');
    const { docs, problems } = await load(dir);
    expect(docs.map((d) => d.id)).toEqual(['x1', 'x7']);
    expect(docs[0].text).toBe('نص x1');
    expect(problems.map((p) => [p.file, p.line])).toEqual([
      [file, 2],
      [file, 3],
      [file, 4],
      [file, 5],
    ]);
    expect(problems[0].message).toMatch(/UTF-8/);
    expect(problems[1].message).toMatch(/JSON/);
    expect(problems[2].message).toMatch(/text/);
    expect(problems[3].message).toMatch(/duplicate/);
  });

  it('strict mode stops at the first problem with a DocumentLoadError naming file and line', async () => {
    const dir = folder({ 'bad.jsonl': Buffer.concat([Buffer.from('{"id":"a","text":"نص"}\n'), Buffer.from([0xc3, 0x28, 0x0a])]) });
    let error: unknown;
    try {
      await load(dir, true);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DocumentLoadError);
    expect((error as DocumentLoadError).message).toContain(`${join(dir, 'bad.jsonl')}:2`);
    expect((error as DocumentLoadError).problem.line).toBe(2);
  });

  it('strict buildIndex rejects a bad file; non-strict skips and counts it', async () => {
    const dir = folder({ 'a.jsonl': '{"id":"a","text":"نص عن الطاقة"}\nnot json\n{"id":"c","text":"نص آخر"}\n' });
    const out = join(tmp, 'strict-out');
    await expect(buildIndex({ input: dir, out, strict: true })).rejects.toThrow(/a\.jsonl:2/);
    const summary = await buildIndex({ input: dir, out });
    expect(summary.documents).toBe(2);
    expect(summary.skipped).toBe(1);
    expect(summary.problems[0].line).toBe(2);
  });

  it('invalid UTF-8 in a .txt file is reported with the file', async () => {
    const dir = folder({ 'ok.txt': 'عنوان\nنص', 'bad.txt': Buffer.from([0xd8, 0xa7, 0xff, 0x0a, 0x41]) });
    const { docs, problems } = await load(dir);
    expect(docs.map((d) => d.id)).toEqual(['ok']);
    expect(problems).toHaveLength(1);
    expect(problems[0].file).toBe(join(dir, 'bad.txt'));
    expect(problems[0].message).toMatch(/UTF-8/);
  });

  it('keeps the first of duplicate ids across files', async () => {
    const dir = folder({
      'a.jsonl': JSON.stringify({ id: 'same', title: 'الأول', text: 'نص' }) + '\n',
      'b.jsonl': JSON.stringify({ id: 'same', title: 'الثاني', text: 'نص' }) + '\n',
    });
    const { docs, problems } = await load(dir);
    expect(docs.map((d) => d.title)).toEqual(['الأول']);
    expect(problems[0].message).toMatch(/duplicate id "same"/);
  });

  it('walks subfolders in a stable order and skips hidden and unsupported files', async () => {
    const dir = folder({
      'b/2.txt': 'ب\nنص',
      'a/1.txt': 'أ\nنص',
      '.hidden.txt': 'خفي\nنص',
      'notes.csv': 'a,b',
      'c.md': 'ج\nنص',
    });
    const { docs } = await load(dir);
    expect(docs.map((d) => d.id)).toEqual(['1', '2', 'c']);
  });

  it('an empty folder makes buildIndex reject with a clear message', async () => {
    const empty = mkdtempSync(join(tmp, 'empty-'));
    await expect(buildIndex({ input: empty, out: join(tmp, 'empty-out') })).rejects.toThrow(/no documents to index in/);
  });

  it('a missing input or an unsupported single file is a DocumentLoadError', async () => {
    await expect(load(join(tmp, 'missing-input'))).rejects.toThrow(DocumentLoadError);
    await expect(load(join(tmp, 'missing-input'))).rejects.toThrow(/no such file or folder/);
    const dir = folder({ 'x.csv': 'a,b' });
    await expect(load(join(dir, 'x.csv'))).rejects.toThrow(/unsupported file type/);
  });
});

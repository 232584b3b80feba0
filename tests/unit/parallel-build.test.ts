/**
 * Parallel builds against a build on one thread: the same documents cut into
 * chunks, analysed by worker threads (or chunk after chunk on the calling
 * thread) and merged, give the very same segment — every file byte for byte,
 * and the same manifest entry. Real Arabic text throughout.
 */
import fc from 'fast-check';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Analyzer } from '../../src/analysis/pipeline.js';
import { buildIndex, type BuildOptions } from '../../src/index/build.js';
import { IndexBuilder } from '../../src/index/builder.js';
import { CURRENT_FILE, type SegmentEntry } from '../../src/index/format.js';
import { readManifest } from '../../src/index/open.js';
import { RunCursor } from '../../src/index/runs.js';
import { DocumentLoadError } from '../../src/ingest/load.js';
import { openIndex } from '../../src/search/searcher.js';
import { ROOT } from '../helpers/server.js';

const root = mkdtempSync(join(tmpdir(), 'fahras-parallel-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const RELEVANCE = join(ROOT, '..', 'shared', 'data', 'relevance');
const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\n');

let built = 0;
/** Builds `input` into a fresh folder; returns the live generation's folder and its one segment. */
async function build(input: string, options: Partial<BuildOptions>): Promise<{ gen: string; segment: SegmentEntry; threads: number }> {
  const out = join(root, `index-${built++}`);
  const summary = await buildIndex({ input, out, ...options });
  const gen = join(out, readFileSync(join(out, CURRENT_FILE), 'utf8').trim());
  const { manifest } = readManifest(out);
  expect(manifest.segments).toHaveLength(1);
  return { gen, segment: manifest.segments[0], threads: summary.threads };
}

/** The segment's files, by name, as bytes. */
function files(gen: string): Record<string, Buffer> {
  return Object.fromEntries(
    readdirSync(gen)
      .filter((f) => f.startsWith('s1.'))
      .map((f) => [f, readFileSync(join(gen, f))]),
  );
}

function expectSameSegment(a: Awaited<ReturnType<typeof build>>, b: Awaited<ReturnType<typeof build>>): void {
  const fa = files(a.gen);
  const fb = files(b.gen);
  expect(Object.keys(fb).sort()).toEqual(Object.keys(fa).sort());
  for (const f of Object.keys(fa)) expect(fb[f].equals(fa[f]), `${f} differs`).toBe(true);
  expect(b.segment).toEqual(a.segment);
}

/** On one thread, from one builder: the reference (the first chunk is never full). */
const SERIAL = { chunkCharacters: Infinity } as const;

describe('a parallel build writes the segment of a build on one thread', () => {
  it('on the Qur’anic passages, in ~20 chunks: two worker threads, and chunk after chunk on this thread', async () => {
    const input = join(RELEVANCE, 'quranqa-train', 'docs.jsonl');
    const serial = await build(input, SERIAL);
    expect(serial.threads).toBe(0);
    expect(serial.segment.documents).toBe(1266);
    const threads = await build(input, { threads: 2, chunkCharacters: 40_000 });
    expect(threads.threads).toBe(2);
    expectSameSegment(serial, threads);
    expectSameSegment(serial, await build(input, { threads: 0, chunkCharacters: 40_000 }));
  });

  it('on a folder of three collections (several files, repeated ids skipped), with three threads and uneven chunks', async () => {
    const input = join(root, 'collections');
    mkdirSync(input);
    for (const set of ['xquad-ar', 'arcd-train', 'quranqa-train']) cpSync(join(RELEVANCE, set, 'docs.jsonl'), join(input, `${set}.jsonl`));
    // The first paragraph again under its id: a problem, skipped by both builds alike.
    writeFileSync(join(input, 'z-again.jsonl'), lines(join(RELEVANCE, 'xquad-ar', 'docs.jsonl'))[0] + '\n');
    const serial = await build(input, SERIAL);
    const parallel = await build(input, { threads: 3, chunkCharacters: 97_531 });
    expectSameSegment(serial, parallel);
    const s = await openIndex(parallel.gen.replace(/\/gen-[^/]+$/, ''));
    try {
      expect(s.search('الدوري', { limit: 3, snippets: false }).total).toBeGreaterThan(0);
    } finally {
      s.close();
    }
  });

  it('on texts past the scanned length of snippets (their jumps), in chunks on two worker threads', async () => {
    const paragraphs = lines(join(RELEVANCE, 'arcd-train', 'docs.jsonl')).map((l) => JSON.parse(l) as { title: string; text: string });
    const long = (from: number) => {
      let text = '';
      for (let i = from; text.length <= 70_000; i++) text += paragraphs[i % paragraphs.length].text + '\n\n';
      return text;
    };
    // Long texts first, between short ones, and last: in the first chunk, in later ones and at a chunk's end.
    const docs = paragraphs.slice(0, 300).map((p, i) => ({ id: `p${i}`, title: p.title, text: i % 97 === 0 || i === 299 ? long(i) : p.text }));
    const input = join(root, 'long-texts.jsonl');
    writeFileSync(input, docs.map((d) => JSON.stringify(d)).join('\n') + '\n');
    const serial = await build(input, SERIAL);
    const jumpDoc = serial.segment.arrays.find((a) => a.name === 'jumpDoc');
    expect(jumpDoc?.length).toBe(5);
    const parallel = await build(input, { threads: 2, chunkCharacters: 60_000 });
    expect(parallel.threads).toBe(2);
    expectSameSegment(serial, parallel);
  });

  // Words of real Arabic paragraphs, recombined into documents of any size, with sources, dates and problems.
  const WORDS = [...new Set(lines(join(RELEVANCE, 'xquad-ar', 'docs.jsonl')).slice(0, 40).flatMap((l) => (JSON.parse(l) as { text: string }).text.split(/\s+/)))].filter(Boolean);
  const SOURCES = ['عكاظ', 'الرياض', 'الوطن', '', 'سبق'];
  const record = fc.record({
    id: fc.nat(400),
    title: fc.array(fc.nat(WORDS.length - 1), { maxLength: 6 }),
    text: fc.array(fc.nat(WORDS.length - 1), { maxLength: 120 }),
    repeat: fc.nat(3),
    source: fc.nat(SOURCES.length - 1),
    date: fc.option(fc.date({ min: new Date('1990-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }), { nil: undefined }),
  });

  it('on any documents cut into any chunks (property)', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 120 }), fc.integer({ min: 1, max: 30_000 }), async (recs, chunkCharacters) => {
        const input = join(root, `property-${run++}.jsonl`);
        const body = recs.map((r) => {
          // A word repeated past the frequency byte's caps (positions then carry a count).
          const text = [...r.text.map((w) => WORDS[w]), ...Array(r.repeat * 40).fill(WORDS[r.id % WORDS.length])].join(' ');
          return JSON.stringify({ id: `d${r.id}`, title: r.title.map((w) => WORDS[w]).join(' '), text, source: SOURCES[r.source] || undefined, date: r.date?.toISOString().slice(0, 10) });
        });
        writeFileSync(input, body.join('\n') + '\n');
        let serial;
        try {
          serial = await build(input, SERIAL);
        } catch {
          // Nothing indexable (every record repeated an id or had no text): the chunked build must refuse too.
          await expect(build(input, { threads: 0, chunkCharacters })).rejects.toThrow(/no documents to index/);
          return;
        }
        expectSameSegment(serial, await build(input, { threads: 0, chunkCharacters }));
      }),
      { numRuns: 60, seed: 16 },
    );
  }, 120_000);
});

describe('runs', () => {
  it('read back the same through a buffer of a few bytes as through the usual one', () => {
    const builder = new IndexBuilder(new Analyzer());
    for (const [i, l] of lines(join(RELEVANCE, 'arcd-train', 'docs.jsonl')).slice(0, 30).entries()) {
      const d = JSON.parse(l) as { title: string; text: string };
      builder.add({ id: `a${i}`, title: d.title, text: d.text, metadata: {} });
    }
    const { chunk, terms } = builder.endChunk();
    // Global numbers in reverse order of first appearance: the run lists them the other way round.
    const global = { stems: terms.stems.ids.map((_, i, a) => a.length - 1 - i), norms: Int32Array.from(terms.norms.ids, (_, i) => i), roots: Int32Array.from(terms.roots.ids, (_, i) => i) };
    const run = chunk.writeRun(join(root, 'run.tmp'), { stems: Int32Array.from(global.stems), norms: global.norms, roots: global.roots });
    const fd = openSync(run.path, 'r');
    try {
      const read = (bufferBytes?: number) => {
        const out: [number, number, number, string, string][] = [];
        for (const ns of ['stems', 'norms', 'roots'] as const) {
          const c = new RunCursor(fd, run[ns], bufferBytes);
          while (c.next()) out.push([c.global, c.df, c.last, c.list().toString('hex'), c.positions().toString('hex')]);
          expect(c.global).toBe(Infinity);
        }
        return out;
      };
      const usual = read();
      expect(usual.length).toBe(terms.stems.ids.length + terms.norms.ids.length + terms.roots.ids.length);
      // Stems in increasing global number: the last term met comes first.
      expect(usual[0][0]).toBe(0);
      expect(read(7)).toEqual(usual);
    } finally {
      closeSync(fd);
    }
  });
});

describe('a parallel build that stops half way', () => {
  it('with --strict and a bad record after several chunks: the error, the old index whole, nothing left behind', async () => {
    const out = join(root, 'stopped');
    const good = join(RELEVANCE, 'arcd-train', 'docs.jsonl');
    await buildIndex({ input: good, out });
    const current = readFileSync(join(out, CURRENT_FILE), 'utf8');
    const input = join(root, 'bad-late.jsonl');
    const all = lines(good);
    writeFileSync(input, [...all.slice(0, 400), '{"id": "broken", "title": "عنوان", "text": ', ...all.slice(400)].join('\n') + '\n');
    await expect(buildIndex({ input, out, strict: true, threads: 2, chunkCharacters: 30_000 })).rejects.toThrow(DocumentLoadError);
    await expect(buildIndex({ input, out, strict: true, threads: 2, chunkCharacters: 30_000 })).rejects.toThrow(/bad-late\.jsonl:401: not valid JSON/);
    expect(readFileSync(join(out, CURRENT_FILE), 'utf8')).toBe(current);
    expect(readdirSync(out).filter((f) => f.includes('.tmp'))).toEqual([]);
    const s = await openIndex(out);
    try {
      expect(s.size).toBe(all.length);
    } finally {
      s.close();
    }
  });

  it('builds a small input without a worker', async () => {
    expect((await build(join(ROOT, 'seeds'), { threads: 2 })).threads).toBe(0);
    expect(existsSync(join(ROOT, 'seeds'))).toBe(true);
  });
});

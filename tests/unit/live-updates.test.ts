/**
 * Live updates against fresh builds: any sequence of batches of adds,
 * replacements and deletions, merges and compactions (also merges that
 * commit after writes made while they were written), on real Arabic
 * paragraphs, leaves an index that ranks every query exactly as a fresh
 * build of the final documents (in the order of their last write) does —
 * the same ids, scores to 1e-9, totals and source counts.
 */
import fc from 'fast-check';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../../src/index/build.js';
import { IndexWriter, type WriteOp } from '../../src/index/writer.js';
import type { Document } from '../../src/ingest/document.js';
import { openIndex, type Searcher } from '../../src/search/searcher.js';
import { ROOT } from '../helpers/server.js';

const root = mkdtempSync(join(tmpdir(), 'fahras-live-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const SOURCES = ['عكاظ', 'الرياض', 'الوطن', undefined];
/** Real Arabic paragraphs (XQuAD, CC BY-SA 4.0) and the news fixture, with sources and dates to facet and filter on. */
const PARAGRAPHS: Omit<Document, 'id'>[] = [
  ...readFileSync(join(ROOT, '..', 'shared', 'data', 'relevance', 'xquad-ar', 'docs.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .slice(0, 60)
    .map((l) => JSON.parse(l) as { title: string; text: string }),
  ...readFileSync(join(ROOT, 'tests', 'fixtures', 'server', 'news.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { title: string; text: string }),
].map((p, i) => ({ title: p.title.replace(/_/g, ' '), text: p.text, metadata: { ...(SOURCES[i % 4] ? { source: SOURCES[i % 4] } : {}), date: `2015-0${1 + (i % 9)}-1${i % 10}` } }));

const QUERIES = [
  'النفط',
  'أسعار النفط',
  'فريق كرة القدم',
  'الدوري',
  'مدينة',
  '"المركز السادس"',
  '"الحرب العالمية"',
  'الجامعة -الطلاب',
  'الحكو*',
  'سوبر بول',
  'ال*',
  'في من على',
];

type Op = { put: boolean; id: number; paragraph: number };
/** A batch; a merge or a compaction; or one prepared, then batches written while it waits, then committed. */
type Step = { kind: 'batch'; ops: Op[] } | { kind: 'merge' } | { kind: 'compact' } | { kind: 'overlap'; all: boolean; during: Op[][] };

const ops = fc.array(fc.record({ put: fc.integer({ min: 0, max: 9 }).map((n) => n < 7), id: fc.nat(24), paragraph: fc.nat(PARAGRAPHS.length - 1) }), { minLength: 1, maxLength: 6 });
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('batch' as const), ops }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'merge' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'compact' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('overlap' as const), all: fc.boolean(), during: fc.array(ops, { maxLength: 3 }) }) },
);

function doc(id: number, paragraph: number): Document {
  return { id: `d${id}`, ...PARAGRAPHS[paragraph] };
}

/** Every query's answer as the test compares it. */
function answers(s: Searcher): unknown[] {
  const out: unknown[] = [];
  for (const q of QUERIES) {
    for (const mode of ['any', 'all'] as const) {
      for (const filters of [{}, { source: 'عكاظ' }, { from: '2015-03-01', to: '2015-07-31' }]) {
        const r = s.search(q, { limit: 50, mode, filters, snippets: false });
        out.push({ q, mode, filters, total: r.total, facets: r.facets, hits: r.hits.map((h) => [h.id, h.score]) });
      }
    }
  }
  return out;
}

function expectSameAnswers(got: unknown[], want: unknown[]): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    const a = g as { hits: [string, number][] };
    const b = want[i] as { hits: [string, number][] };
    expect({ ...a, hits: a.hits.map(([id]) => id) }).toEqual({ ...b, hits: b.hits.map(([id]) => id) });
    a.hits.forEach(([, score], j) => expect(Math.abs(score - b.hits[j][1])).toBeLessThan(1e-9));
  });
}

let run = 0;

describe('live updates', () => {
  // Segments staged on this thread (a command) and on worker threads (a server), alike.
  it.each([
    ['on this thread', false, 25],
    ['on worker threads', true, 6],
  ])('rank exactly as a fresh build of the final documents, whatever the sequence of writes and merges (segments written %s)', async (_how, stageInWorker, numRuns) => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
        const dir = join(root, `live-${run}`);
        const fresh = join(root, `fresh-${run++}`);
        // Start from a small built index, as a newsroom would.
        const initial = PARAGRAPHS.slice(0, 8).map((p, i) => ({ id: `d${i}`, title: p.title, text: p.text, ...p.metadata }));
        const input = join(dir + '-input.jsonl');
        writeFileSync(input, initial.map((d) => JSON.stringify(d)).join('\n') + '\n');
        await buildIndex({ input, out: dir });
        // The model: documents in the order of their last write.
        const model = new Map<string, Document>(PARAGRAPHS.slice(0, 8).map((_, i) => [`d${i}`, doc(i, i)]));
        const writer = new IndexWriter(dir, { policy: { mergeFactor: 3, maxMergeDocuments: 50 }, stageInWorker });
        const apply = async (batch: Op[]) => {
          const ops: WriteOp[] = batch.map((o) => (o.put ? { op: 'put', doc: doc(o.id, o.paragraph) } : { op: 'delete', id: `d${o.id}` }));
          await writer.write([ops]);
          for (const o of batch) {
            model.delete(`d${o.id}`);
            if (o.put) model.set(`d${o.id}`, doc(o.id, o.paragraph));
          }
        };
        try {
          for (const s of steps) {
            if (s.kind === 'merge') await writer.merge();
            else if (s.kind === 'compact') await writer.merge(true);
            else if (s.kind === 'batch') await apply(s.ops);
            else {
              // The merge reads its segments now; the writes replace and delete some of their documents before it commits.
              const pending = await writer.prepareMerge(s.all);
              for (const batch of s.during) await apply(batch);
              await pending?.commit();
            }
          }
        } finally {
          writer.close();
        }
        const live = await openIndex(dir);
        try {
          expect(live.size).toBe(model.size);
          if (model.size === 0) return;
          const file = join(root, `final-${run}.jsonl`);
          writeFileSync(file, [...model.values()].map((d) => JSON.stringify({ id: d.id, title: d.title, text: d.text, ...d.metadata })).join('\n') + '\n');
          await buildIndex({ input: file, out: fresh });
          const built = await openIndex(fresh);
          try {
            expectSameAnswers(answers(live), answers(built));
            for (const id of model.keys()) expect(live.getDocument(id)?.text).toBe(model.get(id)!.text);
          } finally {
            built.close();
          }
        } finally {
          live.close();
          rmSync(dir, { recursive: true, force: true });
          rmSync(fresh, { recursive: true, force: true });
        }
      }),
      { numRuns },
    );
  });

  it('reports what each batch did, one batch at a time or several in one commit', async () => {
    const dir = join(root, 'outcomes');
    const input = join(root, 'outcomes.jsonl');
    writeFileSync(input, [0, 1, 2].map((i) => JSON.stringify({ id: `d${i}`, title: PARAGRAPHS[i].title, text: PARAGRAPHS[i].text })).join('\n') + '\n');
    await buildIndex({ input, out: dir });
    const writer = new IndexWriter(dir);
    try {
      const { outcomes, commit } = await writer.write([
        [{ op: 'put', doc: doc(0, 10) }, { op: 'put', doc: doc(7, 11) }, { op: 'delete', id: 'd1' }, { op: 'delete', id: 'nope' }],
        [{ op: 'delete', id: 'd7' }, { op: 'put', doc: doc(1, 12) }],
      ]);
      expect(outcomes).toEqual([
        { added: ['d7'], replaced: ['d0'], deleted: ['d1'], notFound: ['nope'] },
        { added: ['d1'], replaced: [], deleted: ['d7'], notFound: [] },
      ]);
      expect(commit).toMatchObject({ documents: 3, segments: 2, deleted: 2 });
      const s = await openIndex(dir);
      try {
        expect(s.getDocument('d0')?.text).toBe(PARAGRAPHS[10].text);
        expect(s.getDocument('d1')?.text).toBe(PARAGRAPHS[12].text);
        expect(s.getDocument('d7')).toBeUndefined();
      } finally {
        s.close();
      }
      // Compaction drops the deleted documents and leaves one segment and no deletion file.
      expect(await writer.merge(true)).toMatchObject({ documents: 3, segments: 1, deleted: 0 });
      const gen = readFileSync(join(dir, 'CURRENT'), 'utf8').trim();
      expect(readdirSync(join(dir, gen)).filter((f) => f.endsWith('.del'))).toEqual([]);
      expect(existsSync(join(dir, 'LOCK'))).toBe(false);
    } finally {
      writer.close();
    }
  });
});

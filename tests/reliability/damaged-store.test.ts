/**
 * Damage inside the document store: 50 trials, each a single byte of a
 * segment's store.bin flipped (a seeded offset and bit pattern), half of them
 * under a running `fahras serve`, half before it starts. Against the answers
 * of the undamaged index:
 *
 *  - exactly one document is damaged per trial (every byte belongs to one
 *    record, and each record's CRC-32 catches any change of one byte), and it
 *    is answered as such: 500 `damaged_document` naming it, over the API and
 *    as a page;
 *  - every other document, every search and every page answer exactly as
 *    before — a search whose page holds the damaged document keeps its place,
 *    id and score, with `damaged: true` and nothing read from it.
 *
 * No silently different answer, no 5xx but the damaged document's own.
 */
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arabicText, cliIndex, cliServe, prng, type CliIndex } from './corpus.js';
import { requireBuilt, type ServeChild } from './helpers.js';

const TRIALS = 50;
const rand = prng(4242);
const enc = encodeURIComponent;
const QUERIES = ['النفط', 'الأمن', 'التعاون', 'أسعار', 'الرياض', 'ال*', 'و*', '"التعاون الأمني"'];

let idx: CliIndex;
let ids: string[];
let store: string;

interface Snapshot {
  documents: Map<string, string>;
  searches: Map<string, string>;
}

beforeAll(async () => {
  requireBuilt();
  const docs = Array.from({ length: 48 }, (_, i) => ({ id: `وثيقة-${i}`, title: arabicText(50, rand), text: arabicText(300 + Math.floor(rand() * 3000), rand), source: ['الرياض', 'عكاظ', 'الوطن'][i % 3] }));
  idx = await cliIndex(docs);
  ids = docs.map((d) => d.id);
  const gen = readFileSync(join(idx.index, 'CURRENT'), 'utf8').trim();
  store = join(idx.index, gen, readdirSync(join(idx.index, gen)).find((f) => f === 'store.bin' || f.endsWith('.store.bin'))!);
}, 120_000);

afterAll(() => idx?.cleanup());

async function text(url: string, accept = 'application/json'): Promise<{ status: number; body: string }> {
  const r = await fetch(url, { headers: { Accept: accept } });
  return { status: r.status, body: await r.text() };
}

/** A search's answer without its timing. */
const stable = (body: string): string => body.replace(/"took_ms":[\d.]+,?/, '');

async function snapshot(base: string): Promise<Snapshot> {
  const documents = new Map<string, string>();
  for (const id of ids) {
    const r = await text(`${base}/api/documents/${enc(id)}`);
    expect(r.status).toBe(200);
    documents.set(id, r.body);
  }
  const searches = new Map<string, string>();
  for (const q of QUERIES) {
    const r = await text(`${base}/api/search?q=${enc(q)}&limit=100`);
    expect(r.status).toBe(200);
    searches.set(q, stable(r.body));
  }
  return { documents, searches };
}

/** XORs the byte at `at` with `mask` (non-zero): the same call undoes it. */
function flip(file: string, at: number, mask: number): void {
  const fd = openSync(file, 'r+');
  try {
    const b = Buffer.alloc(1);
    readSync(fd, b, 0, 1, at);
    b[0] ^= mask;
    writeSync(fd, b, 0, 1, at);
  } finally {
    closeSync(fd);
  }
}

interface Hit {
  id: string;
  score: number;
  damaged?: boolean;
  title: string;
  snippet: string;
  metadata: Record<string, unknown>;
}

/** Everything a trial's server answers, checked against the undamaged answers; returns the damaged document's id. */
async function check(base: string, pristine: Snapshot, trial: string): Promise<string> {
  const damaged: string[] = [];
  for (const id of ids) {
    const r = await text(`${base}/api/documents/${enc(id)}`);
    if (r.status === 200) {
      expect(r.body, `${trial}: ${id} answered differently`).toBe(pristine.documents.get(id));
      continue;
    }
    expect(r.status, `${trial}: ${id}`).toBe(500);
    const e = (JSON.parse(r.body) as { error: { code: string; message: string } }).error;
    expect(e.code).toBe('damaged_document');
    expect(e.message).toContain(JSON.stringify(id));
    damaged.push(id);
  }
  expect(damaged, `${trial}: documents answered as damaged`).toHaveLength(1);
  const [bad] = damaged;
  for (const q of QUERIES) {
    const r = await text(`${base}/api/search?q=${enc(q)}&limit=100`);
    expect(r.status, `${trial}: search ${q}`).toBe(200);
    const now = JSON.parse(stable(r.body)) as { hits: Hit[] };
    const before = JSON.parse(pristine.searches.get(q)!) as { hits: Hit[] };
    expect({ ...now, hits: [] }, `${trial}: ${q}`).toEqual({ ...before, hits: [] });
    expect(now.hits.map((h) => [h.id, h.score]), `${trial}: ${q}`).toEqual(before.hits.map((h) => [h.id, h.score]));
    now.hits.forEach((h, i) => {
      if (h.id === bad) expect(h).toMatchObject({ damaged: true, title: '', snippet: '', metadata: {} });
      else expect(h, `${trial}: ${q}, hit ${h.id}`).toEqual(before.hits[i]);
    });
  }
  for (const path of [`/?q=${enc('ال*')}`, `/fragments?q=${enc('ال*')}`]) expect((await text(base + path, 'text/html')).status, `${trial}: ${path}`).toBe(200);
  const page = await text(`${base}/doc/${enc(bad)}`, 'text/html');
  expect(page.status).toBe(500);
  expect(page.body).toContain('is damaged and cannot be read');
  return bad;
}

describe('single-byte damage in store.bin', () => {
  it(`${TRIALS} trials, under a running server and at start: only the damaged document is lost, and said to be`, async () => {
    const env = { FAHRAS_CACHE_SIZE: '0', FAHRAS_CLIENT_CPU_MS: '0', FAHRAS_RELOAD_POLL_MS: '0' };
    let srv: ServeChild = await cliServe(idx.index, env);
    const pristine = await snapshot(srv.url);
    const size = statSync(store).size;
    const seen = new Set<string>();
    try {
      for (let t = 0; t < TRIALS; t++) {
        const at = Math.floor(rand() * size);
        const mask = 1 + Math.floor(rand() * 255);
        const atStart = t % 2 === 1;
        if (atStart) await srv.stop();
        flip(store, at, mask);
        try {
          if (atStart) srv = await cliServe(idx.index, env);
          seen.add(await check(srv.url, pristine, `trial ${t} (byte ${at} ^ ${mask}${atStart ? ', at start' : ', while serving'})`));
        } finally {
          flip(store, at, mask);
        }
      }
    } finally {
      await srv.stop();
    }
    // The trials reached documents all over the store.
    expect(seen.size).toBeGreaterThan(10);
  }, 300_000);
});

/**
 * Compressed search answers against a real server on an ephemeral port: the
 * gzip body kept beside the cached answer decompresses to exactly the
 * identity body, a repeated request is answered from the cache, and
 * Accept-Encoding is honoured as RFC 9110 (12.5.3) says (gzip or
 * nothing on /api/search, whose gzip bodies are cached), with and without
 * the result cache.
 */
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/serve.js';
import { buildFixtureIndex, startTestServer, type TempIndex } from '../helpers/server.js';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** The answer as sent: node:http does not decompress. */
function get(base: string, path: string, acceptEncoding?: string, method = 'GET'): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(base + path, { method, headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The body with its per-request timing zeroed (the only part that differs between two answers). */
function untimed(body: Buffer): string {
  const s = body.toString('utf8');
  expect(s).toMatch(/^\{"took_ms":[0-9.e-]+,/);
  return s.replace(/^\{"took_ms":[0-9.e-]+,/, '{"took_ms":0,');
}

const enc = encodeURIComponent;
// Long enough to be compressed (more than 1 kB): ten hits with snippets.
const LARGE = `/api/search?q=${enc('النفط')}&limit=10`;
// One short hit: under the threshold, sent as it is.
const SMALL = `/api/search?q=${enc('الزوار')}&limit=1`;

let idx: TempIndex;
const servers: RunningServer[] = [];

beforeAll(async () => {
  idx = await buildFixtureIndex();
  servers.push(await startTestServer({ index: idx.index, watch: false, reloadPollMs: 0, cacheSize: 100 }));
  servers.push(await startTestServer({ index: idx.index, watch: false, reloadPollMs: 0, cacheSize: 0 }));
});

afterAll(async () => {
  for (const s of servers) await s.close();
  await idx?.cleanup();
});

async function cacheStats(base: string): Promise<{ hits: number; misses: number; size: number; bytes: number }> {
  const r = await get(base, '/api/stats');
  return (JSON.parse(r.body.toString('utf8')) as { cache: { hits: number; misses: number; size: number; bytes: number } }).cache;
}

describe.each([
  ['result cache on', 0],
  ['result cache off', 1],
])('gzip answers of /api/search (%s)', (_name, which) => {
  const base = (): string => servers[which].url;

  it('the gzip body decompresses to the identity body, with its headers', async () => {
    const plain = await get(base(), LARGE, 'identity');
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(1024);
    expect(plain.body.toString('utf8')).toContain('<mark>');
    for (let i = 0; i < 3; i++) {
      const gz = await get(base(), LARGE, 'gzip, deflate, br, zstd');
      expect(gz.status).toBe(200);
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(gz.headers['vary']).toMatch(/accept-encoding/i);
      expect(gz.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(Number(gz.headers['content-length'])).toBe(gz.body.length);
      expect(gz.body.length).toBeLessThan(plain.body.length / 2);
      expect(untimed(gunzipSync(gz.body))).toBe(untimed(plain.body));
    }
  });

  it('sends what the client accepts: identity when asked, when gzip is refused, and when nothing is acceptable', async () => {
    const plain = untimed((await get(base(), LARGE, 'identity')).body);
    for (const ae of [undefined, '', 'identity', 'gzip;q=0', '*;q=0', 'gzip;q=0.2, identity;q=0.5']) {
      const r = await get(base(), LARGE, ae);
      expect(r.status, String(ae)).toBe(200);
      expect(r.headers['content-encoding'], String(ae)).toBeUndefined();
      expect(r.headers['vary'], String(ae)).toMatch(/accept-encoding/i);
      expect(untimed(r.body), String(ae)).toBe(plain);
    }
    for (const ae of ['gzip', '*', 'GZIP', 'br, gzip;q=0.5', 'identity;q=0.5, gzip', 'x-gzip, gzip;q=0.9']) {
      const r = await get(base(), LARGE, ae);
      expect(r.headers['content-encoding'], ae).toBe('gzip');
      expect(untimed(gunzipSync(r.body)), ae).toBe(plain);
    }
  });

  it('offers no brotli on /api/search (identity to a client without gzip) and brotli elsewhere as before', async () => {
    const plain = untimed((await get(base(), LARGE, 'identity')).body);
    for (const ae of ['br', 'gzip;q=0, *;q=1']) {
      const r = await get(base(), LARGE, ae);
      expect(r.headers['content-encoding'], ae).toBeUndefined();
      expect(untimed(r.body), ae).toBe(plain);
    }
    const css = await get(base(), '/static/style.css', 'br');
    expect(css.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(css.body).toString('utf8')).toContain('{');
  });

  it('leaves a small answer uncompressed', async () => {
    const r = await get(base(), SMALL, 'gzip');
    expect(r.status).toBe(200);
    expect(r.body.length).toBeLessThan(1024);
    expect(r.headers['content-encoding']).toBeUndefined();
    expect((JSON.parse(r.body.toString('utf8')) as { hits: unknown[] }).hits).toHaveLength(1);
  });

  it('answers HEAD with the headers of the gzip answer and no body', async () => {
    const gz = await get(base(), LARGE, 'gzip');
    const head = await get(base(), LARGE, 'gzip', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-encoding']).toBe('gzip');
    expect(head.body.length).toBe(0);
    // took_ms may differ in length by a digit or two between the two answers.
    expect(Math.abs(Number(head.headers['content-length']) - gz.body.length)).toBeLessThan(8);
  });
});

describe('the gzip body kept in the result cache', () => {
  const base = (): string => servers[0].url;

  it('is made once: a repeated request is a cache hit whose gzip bytes count in the cache', async () => {
    const q = `/api/search?q=${enc('أسعار النفط')}&limit=10`;
    const before = await cacheStats(base());
    const first = await get(base(), q, 'gzip');
    const afterFirst = await cacheStats(base());
    expect(afterFirst.misses).toBe(before.misses + 1);
    expect(afterFirst.size).toBe(before.size + 1);
    const second = await get(base(), q, 'gzip');
    const afterSecond = await cacheStats(base());
    expect(afterSecond.hits).toBe(afterFirst.hits + 1);
    expect(afterSecond.misses).toBe(afterFirst.misses);
    // The compressed tail is the same bytes: only the stored block of took_ms may differ.
    expect(second.body.subarray(-200, -8).equals(first.body.subarray(-200, -8))).toBe(true);
    expect(untimed(gunzipSync(second.body))).toBe(untimed(gunzipSync(first.body)));
    // Counted once, on the first gzip answer of the entry (one identity answer adds nothing).
    const bytesWithGzip = afterSecond.bytes;
    await get(base(), q, 'identity');
    await get(base(), q, 'gzip');
    expect((await cacheStats(base())).bytes).toBe(bytesWithGzip);
  });

  it('adds the compressed size to the cache bytes of an entry first answered without gzip', async () => {
    const q = `/api/search?q=${enc('النفط')}&limit=20`;
    await get(base(), q, 'identity');
    const plain = await cacheStats(base());
    const gz = await get(base(), q, 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    const grown = (await cacheStats(base())).bytes - plain.bytes;
    // The deflated tail: the gzip answer less its header, the stored took_ms block and its trailer.
    expect(grown).toBeGreaterThan(gz.body.length - 60);
    expect(grown).toBeLessThan(gz.body.length);
  });
});

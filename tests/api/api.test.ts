/**
 * The JSON API against a real server on an ephemeral port, over an index of the seeds and the
 * server fixture: on the local index (vitest project "local") and on a one-node OpenSearch cluster
 * (project "opensearch"), with the same assertions; where the engines legitimately differ, the
 * test says why.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import { createEngine } from '../../src/engine/create.js';
import type { RunningServer } from '../../src/server/serve.js';
import { buildFixtureIndex, fixtureEngine, startTestServer, type TempIndex } from '../helpers/server.js';

let idx: TempIndex;
let srv: RunningServer;
let base: string;

beforeAll(async () => {
  idx = await buildFixtureIndex(fixtureEngine());
  srv = await startTestServer({ ...idx.server });
  base = srv.url;
});

afterAll(async () => {
  await srv?.close();
  await idx?.cleanup();
});

const enc = encodeURIComponent;

// Response bodies of many shapes, inspected field by field by the assertions.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = any;

async function getJson(path: string, init?: RequestInit): Promise<{ status: number; body: Body; res: Response }> {
  const res = await fetch(base + path, init);
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body, res };
}

function expectError(r: { status: number; body: Body; res: Response }, status: number, code: string, message?: RegExp): void {
  expect(r.status).toBe(status);
  expect(r.res.headers.get('content-type')).toMatch(/^application\/json; charset=utf-8/);
  expect(Object.keys(r.body)).toEqual(['error']);
  expect(r.body.error.code).toBe(code);
  expect(typeof r.body.error.message).toBe('string');
  expect(r.body.error.message.length).toBeGreaterThan(5);
  expect(r.body.error.message).not.toMatch(/\bat .*\.(js|ts):\d+/); // no stack traces
  if (message) expect(r.body.error.message).toMatch(message);
}

describe('GET /api/search', () => {
  it('returns ranked hits with escaped, highlighted snippets, total, took_ms and source facets', async () => {
    const r = await getJson(`/api/search?q=${enc('النفط')}`);
    expect(r.status).toBe(200);
    expect(r.res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(r.body.total).toBe(4);
    expect(r.body.hits.map((h: { id: string }) => h.id)).toEqual(expect.arrayContaining(['srv-002', 'srv-009', 'srv-004']));
    expect(typeof r.body.took_ms).toBe('number');
    expect(r.body.query).toMatchObject({ q: 'النفط', limit: 10, offset: 0, mode: 'any' });
    const top = r.body.hits[0];
    expect(top.snippet).toContain('<mark>');
    expect(top.highlights.text.length).toBeGreaterThan(0);
    expect(top.metadata.source).toBeTruthy();
    expect(r.body.facets.source).toMatchObject({ عكاظ: 1, الرياض: 1, Reuters: 1 });
    const scores = r.body.hits.map((h: { score: number }) => h.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('pages with limit and offset', async () => {
    const all = await getJson(`/api/search?q=${enc('النفط')}&limit=4`);
    const page2 = await getJson(`/api/search?q=${enc('النفط')}&limit=2&offset=2`);
    expect(page2.status).toBe(200);
    expect(page2.body.total).toBe(4);
    expect(page2.body.hits.map((h: { id: string }) => h.id)).toEqual(all.body.hits.slice(2).map((h: { id: string }) => h.id));
  });

  it('filters by source and date, and keeps facet counts of every source', async () => {
    const r = await getJson(`/api/search?q=${enc('النفط')}&source=${enc('الرياض')}`);
    expect(r.body.hits.map((h: { id: string }) => h.id)).toEqual(['srv-009']);
    expect(Object.keys(r.body.facets.source).length).toBeGreaterThan(1);
    const dated = await getJson(`/api/search?q=${enc('النفط')}&from=2016-01-01&to=2016-12-31`);
    expect(dated.body.hits.map((h: { id: string }) => h.id)).toEqual(['srv-009']);
  });

  it('matches all words in mode=all', async () => {
    const any = await getJson(`/api/search?q=${enc('الهلال التمور')}`);
    const all = await getJson(`/api/search?q=${enc('الهلال التمور')}&mode=all`);
    expect(any.body.total).toBe(2);
    expect(all.body.total).toBe(0);
  });

  it('offers didYouMean when nothing matches', async () => {
    const r = await getJson(`/api/search?q=${enc('النفظ')}`);
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(0);
    expect(r.body.hits).toEqual([]);
    expect(r.body.didYouMean).toBe('النفط');
  });

  it('escapes markup from documents in titles and snippets', async () => {
    const r = await getJson(`/api/search?q=${enc('اختراق')}`);
    const hit = r.body.hits[0];
    expect(hit.id).toBe('srv-007');
    expect(hit.title).toContain('<script>');
    expect(hit.titleHighlighted).not.toContain('<script>');
    expect(hit.titleHighlighted).toContain('&lt;script&gt;');
    expect(hit.snippet.replace(/<\/?mark>/g, '')).not.toMatch(/[<>]/);
  });

  it('ignores unknown parameters', async () => {
    const r = await getJson(`/api/search?q=${enc('النفط')}&foo=bar&q%5B%5D=x`);
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(4);
  });

  const bad: [string, string, RegExp][] = [
    ['missing q', '', /"q" is required/],
    ['empty q', 'q=', /"q" must not be empty/],
    ['blank q', 'q=%20%20', /"q" must not be empty/],
    ['q over 512 characters', `q=${'ب'.repeat(513)}`, /at most 512/],
    ['limit 0', 'q=a&limit=0', /"limit" must be a whole number from 1 to 100/],
    ['limit 101', 'q=a&limit=101', /"limit"/],
    ['limit abc', 'q=a&limit=abc', /"limit"/],
    ['limit -1', 'q=a&limit=-1', /"limit"/],
    ['limit 1e9', 'q=a&limit=1e9', /"limit"/],
    ['limit 1.5', 'q=a&limit=1.5', /"limit"/],
    ['offset -1', 'q=a&offset=-1', /"offset" must be a whole number from 0 to 10000/],
    ['offset 10001', 'q=a&offset=10001', /"offset"/],
    ['offset NaN', 'q=a&offset=NaN', /"offset"/],
    ['mode bad', 'q=a&mode=some', /"mode" must be "any" or "all"/],
    ['from not a date', 'q=a&from=yesterday', /"from" must be a date/],
    ['from an impossible date', 'q=a&from=2015-02-30', /"from" must be a date/],
    ['to not a date', 'q=a&to=2015-1-1', /"to" must be a date/],
    ['from after to', 'q=a&from=2016-01-01&to=2015-01-01', /must not be after/],
    ['repeated q', 'q=a&q=b', /"q" was given more than once/],
    ['repeated limit', 'q=a&limit=1&limit=2', /"limit" was given more than once/],
  ];
  it.each(bad)('refuses %s with 400 and a plain message', async (_name, qs, message) => {
    expectError(await getJson(`/api/search?${qs}`), 400, 'invalid_parameter', message);
  });

  it('accepts the limits themselves', async () => {
    for (const qs of ['limit=1', 'limit=100', 'offset=0', 'offset=10000', `q2=x`]) {
      const r = await getJson(`/api/search?q=a&${qs}`);
      expect(r.status, qs).toBe(200);
    }
    const long = await getJson(`/api/search?q=${'ب'.repeat(512)}`);
    expect(long.status).toBe(200);
  });

  it('answers malformed percent-encoding with 400, never 500', async () => {
    expectError(await getJson('/api/search?q=%E0%A4%A'), 400, 'bad_request', /percent-encoding/);
    expectError(await getJson('/api/search?q=%'), 400, 'bad_request');
    expectError(await getJson('/api/documents/%E0%A4%A'), 400, 'bad_request');
    expectError(await getJson('/%ZZ'), 400, 'bad_request');
  });
});

describe('GET /api/suggest', () => {
  it('completes the last word, most frequent first, at most 10', async () => {
    const r = await getJson(`/api/suggest?q=${enc('أسعار النف')}`);
    expect(r.status).toBe(200);
    expect(r.body.suggestions.length).toBeGreaterThan(0);
    expect(r.body.suggestions.length).toBeLessThanOrEqual(10);
    expect(r.body.suggestions[0]).toMatchObject({ term: 'النفط', query: 'أسعار النفط' });
    const counts = r.body.suggestions.map((s: { count: number }) => s.count);
    expect([...counts].sort((a, b) => b - a)).toEqual(counts);
    const many = await getJson(`/api/suggest?q=${enc('ال')}`);
    expect(many.body.suggestions.length).toBe(10);
  });

  it('validates its parameters', async () => {
    expectError(await getJson('/api/suggest'), 400, 'invalid_parameter', /"q" is required/);
    expectError(await getJson('/api/suggest?q=%20'), 400, 'invalid_parameter', /must not be empty/);
    expectError(await getJson('/api/suggest?q=a&q=b'), 400, 'invalid_parameter', /more than once/);
    expectError(await getJson('/api/suggest?q=a&limit=11'), 400, 'invalid_parameter', /"limit"/);
    expectError(await getJson(`/api/suggest?q=${'x'.repeat(513)}`), 400, 'invalid_parameter', /512/);
  });
});

describe('GET /api/documents/:id', () => {
  it('returns the whole document', async () => {
    const r = await getJson('/api/documents/srv-008');
    expect(r.status).toBe(200);
    expect(r.body.id).toBe('srv-008');
    expect(r.body.text).toContain('\n\n');
    expect(r.body.metadata).toEqual({ source: 'الوطن', date: '2016-05-18' });
    expect(r.body.textHighlighted).toBeUndefined();
  });

  it('highlights every match when q is given', async () => {
    const r = await getJson(`/api/documents/srv-008?q=${enc('المرجان')}`);
    expect(r.status).toBe(200);
    expect(r.body.textHighlighted.match(/<mark>/g)).toHaveLength(r.body.highlights.text.length);
    // both occurrences of the word, plus any word matched through its root
    expect(r.body.highlights.text.length).toBeGreaterThanOrEqual(2);
  });

  it('finds ids that need percent-encoding', async () => {
    const r = await getJson(`/api/documents/${enc('000_007ff8f57a8682c6')}`);
    expect(r.status).toBe(200);
  });

  it('answers unknown ids with 404 in the error shape', async () => {
    expectError(await getJson('/api/documents/no-such-doc'), 404, 'not_found', /no-such-doc/);
  });

  it('refuses a repeated q', async () => {
    expectError(await getJson('/api/documents/srv-001?q=a&q=b'), 400, 'invalid_parameter', /more than once/);
  });
});

describe('stats, health, readiness', () => {
  it('GET /api/stats reports the index', async () => {
    const r = await getJson('/api/stats');
    expect(r.status).toBe(200);
    expect(r.body.documents).toBe(idx.documents);
    expect(r.body.analyzerVersion).toBeGreaterThan(0);
    expect(Date.parse(r.body.builtAt)).not.toBeNaN();
    // What is served is named by each engine its own way: a generation folder, or the physical index behind the alias.
    expect(r.body.engine).toBe(idx.engine);
    expect(r.body.generation).toMatch(idx.opensearch ? new RegExp(`^${idx.opensearch.index}-\\d{8}t`) : /^gen-/);
  });

  it('answers a repeated search from the result cache, identically, and counts it in /api/stats', async () => {
    const path = `/api/search?q=${enc('النفط الخام')}&limit=3`;
    const before = (await getJson('/api/stats')).body.cache;
    expect(before.capacity).toBeGreaterThan(0);
    const first = await getJson(path);
    const second = await getJson(path);
    expect(second.status).toBe(200);
    const { took_ms: _a, ...a } = first.body;
    const { took_ms: _b, ...b } = second.body;
    expect(b).toEqual(a);
    expect(a.hits.length).toBeGreaterThan(0);
    const after = (await getJson('/api/stats')).body.cache;
    expect(after.hits).toBeGreaterThanOrEqual(before.hits + 1);
    expect(after.misses).toBeGreaterThanOrEqual(before.misses + 1);
    expect(after.bytes).toBeGreaterThan(0);
    expect(after.bytes).toBeLessThanOrEqual(after.capacity * 32 * 1024);
  });

  it('GET /health and /ready answer 200 once loaded', async () => {
    expect((await getJson('/health')).body).toEqual({ status: 'ok' });
    expect((await getJson('/ready')).body).toEqual({ status: 'ready', documents: idx.documents });
  });

  it('/ready and the API say 503 until an index is loaded, /health says 200', async () => {
    const engine = createEngine({ ...idx.server, index: idx.index, watch: false, reloadPollMs: 0 });
    const app = createApp({ engine, options: { corsOrigin: [], rateLimit: 0, trustProxy: false }, logger: pino({ level: 'silent' }) });
    const server: Server = createHttpServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const ready = await fetch(`${url}/ready`);
      expect(ready.status).toBe(503);
      expect((await ready.json()).error.code).toBe('not_ready');
      expect((await fetch(`${url}/api/search?q=a`)).status).toBe(503);
      expect((await fetch(`${url}/health`)).status).toBe(200);
      await engine.start();
      expect((await fetch(`${url}/ready`)).status).toBe(200);
      expect((await fetch(`${url}/api/search?q=a`)).status).toBe(200);
    } finally {
      await engine.close();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('errors and manners', () => {
  it('answers unknown routes with 404 in the error shape', async () => {
    expectError(await getJson('/api/nothing'), 404, 'not_found');
    expectError(await getJson('/nothing/here'), 404, 'not_found');
    expectError(await getJson('/api/search', { method: 'DELETE' }), 404, 'not_found');
  });

  it('sends browsers an HTML 404 page', async () => {
    const res = await fetch(`${base}/nothing/here`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toContain('غير موجود');
  });

  it('limits JSON bodies and rejects bad ones in the error shape', async () => {
    const big = JSON.stringify({ x: 'a'.repeat(20_000) });
    expectError(await getJson('/api/search', { method: 'POST', headers: { 'content-type': 'application/json' }, body: big }), 413, 'payload_too_large');
    expectError(await getJson('/api/search', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"x":' }), 400, 'bad_request');
  });

  for (const path of ['/', `/?q=${enc('النفط')}`, '/doc/srv-001', `/api/search?q=${enc('النفط')}`, '/api/stats', '/nothing']) {
    it(`sends security headers and a strict CSP on ${path}`, async () => {
      const res = await fetch(base + path);
      const csp = res.headers.get('content-security-policy') ?? '';
      for (const d of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'none'"]) expect(csp).toContain(d);
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(res.headers.get('x-powered-by')).toBeNull();
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('referrer-policy')).toBeTruthy();
    });
  }

  it('compresses responses', async () => {
    const res = await fetch(`${base}/static/style.css`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe('gzip');
  });

  it('does not send CORS headers by default', async () => {
    const res = await fetch(`${base}/api/stats`, { headers: { origin: 'https://elsewhere.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves the bundled fonts and page assets', async () => {
    const font = await fetch(`${base}/fonts/noto-naskh-arabic-arabic-400-normal.woff2`);
    expect(font.status).toBe(200);
    expect(font.headers.get('content-type')).toBe('font/woff2');
    expect((await font.arrayBuffer()).byteLength).toBeGreaterThan(10_000);
    for (const f of ['search-page.js', 'format.js', 'doc.js', 'style.css', 'favicon.svg']) expect((await fetch(`${base}/static/${f}`)).status, f).toBe(200);
  });
});

describe('no input causes a 500', () => {
  const queryChars = fc.constantFrom(...'ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإؤئةى "\'-*()[]{}<>&%+=?#/\\:;,.!~^|0123456789abcXYZ\u0640\u064b\u200f\u00a0\t\n'.split(''));
  const text = fc.array(queryChars, { maxLength: 40 }).map((a) => a.join(''));
  it('random queries, filters and ids are answered with 200, 400 or 404', async () => {
    await fc.assert(
      fc.asyncProperty(text, text, fc.constantFrom('search', 'suggest', 'documents', 'page', 'doc'), async (q, other, kind) => {
        const path =
          kind === 'search'
            ? `/api/search?q=${enc(q)}&source=${enc(other)}&mode=${enc(other)}`
            : kind === 'suggest'
              ? `/api/suggest?q=${enc(q)}&limit=${enc(other)}`
              : kind === 'documents'
                ? `/api/documents/${enc(q || 'x')}?q=${enc(other)}`
                : kind === 'page'
                  ? `/?q=${enc(q)}&page=${enc(other)}&source=${enc(other)}`
                  : `/doc/${enc(q || 'x')}?q=${enc(other)}`;
        const res = await fetch(base + path);
        await res.arrayBuffer();
        expect([200, 400, 404], path).toContain(res.status);
      }),
      { numRuns: 150 },
    );
  });
});

describe('configured CORS and rate limiting', () => {
  let limited: RunningServer;
  beforeAll(async () => {
    limited = await startTestServer({ ...idx.server, rateLimit: 3, corsOrigin: ['https://app.example'], watch: false, reloadPollMs: 0 });
  });
  afterAll(() => limited?.close());

  it('allows the configured origin only', async () => {
    const ok = await fetch(`${limited.url}/api/stats`, { headers: { origin: 'https://app.example' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example');
    const other = await fetch(`${limited.url}/api/stats`, { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers 429 in the error shape past the per-minute limit, on /api only', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await fetch(`${limited.url}/api/search?q=a`)).status);
    expect(statuses.slice(-1)[0]).toBe(429);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(3);
    const res = await fetch(`${limited.url}/api/search?q=a`);
    const body = await res.json();
    expect(body.error.code).toBe('rate_limited');
    expect(res.headers.get('ratelimit-policy') ?? res.headers.get('ratelimit')).toBeTruthy();
    expect((await fetch(`${limited.url}/health`)).status).toBe(200);
  });
});

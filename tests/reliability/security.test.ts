/**
 * Security headers on every kind of answer that tests/api/api.test.ts does
 * not already check (error pages, 404 pages, every API route and error,
 * probes, static files, fonts, 413, 429, 503), rate limiting per client IP
 * (and that a forged X-Forwarded-For does not escape it), and that no HTTP
 * route changes anything: every method but GET/HEAD is a 404.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import { LocalEngine } from '../../src/engine/local.js';
import type { RunningServer } from '../../src/server/serve.js';
import { startTestServer, useFixtureServer } from '../helpers/server.js';

const fx = useFixtureServer();
const enc = encodeURIComponent;

const CSP_DIRECTIVES = ["default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'"];

function expectSecurityHeaders(res: Response, where: string): void {
  const csp = res.headers.get('content-security-policy') ?? '';
  for (const d of CSP_DIRECTIVES) expect(csp, `${where}: CSP ${d}`).toContain(d);
  expect(csp, where).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  expect(res.headers.get('x-content-type-options'), where).toBe('nosniff');
  expect(res.headers.get('x-powered-by'), where).toBeNull();
  expect(res.headers.get('x-frame-options'), where).toBe('SAMEORIGIN');
  expect(res.headers.get('referrer-policy'), where).toBe('same-origin');
  expect(res.headers.get('cross-origin-opener-policy'), where).toBe('same-origin');
  expect(res.headers.get('cross-origin-resource-policy'), where).toBe('same-origin');
  expect(res.headers.get('strict-transport-security'), where).toBeTruthy();
  expect(res.headers.get('server'), where).toBeNull();
}

const HTML = { accept: 'text/html' };

describe('security headers on every kind of answer', () => {
  const cases: [string, string, RequestInit, number, RegExp][] = [
    ['the home page', '/', { headers: HTML }, 200, /text\/html/],
    ['a results page', `/?q=${enc('النفط')}`, { headers: HTML }, 200, /text\/html/],
    ['results page 2', `/?q=${enc('ال')}*&page=2`, { headers: HTML }, 200, /text\/html/],
    ['a document page', `/doc/srv-007?q=${enc('اختراق')}`, { headers: HTML }, 200, /text\/html/],
    ['the 404 page', '/no/such/page', { headers: HTML }, 404, /text\/html/],
    ['the 404 page of a missing document', '/doc/no-such-doc', { headers: HTML }, 404, /text\/html/],
    ['the error page of a bad search', '/?q=a&q=b', { headers: HTML }, 400, /text\/html/],
    ['the error page of a bad document query', '/doc/srv-001?q=a&q=b', { headers: HTML }, 400, /text\/html/],
    ['the error page of a bad page number', `/?q=${enc('النفط')}&page=0`, { headers: HTML }, 400, /text\/html/],
    ['a JSON 404 for an unknown route', '/no/such/page', {}, 404, /application\/json/],
    ['/api/search', `/api/search?q=${enc('النفط')}`, {}, 200, /application\/json/],
    ['/api/search, 400', '/api/search?q=', {}, 400, /application\/json/],
    ['/api/suggest', `/api/suggest?q=${enc('الن')}`, {}, 200, /application\/json/],
    ['/api/suggest, 400', '/api/suggest', {}, 400, /application\/json/],
    ['/api/documents/:id', '/api/documents/srv-001', {}, 200, /application\/json/],
    ['/api/documents/:id highlighted', `/api/documents/srv-001?q=${enc('الرياض')}`, {}, 200, /application\/json/],
    ['/api/documents/:id, 404', '/api/documents/nope', {}, 404, /application\/json/],
    ['/api/stats', '/api/stats', {}, 200, /application\/json/],
    ['/api/openapi.json', '/api/openapi.json', {}, 200, /application\/json/],
    ['an unknown API route', '/api/nope', { headers: HTML }, 404, /application\/json/],
    ['a POST to the API', '/api/search?q=a', { method: 'POST' }, 404, /application\/json/],
    ['a body too large (413)', '/api/search', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ q: 'x'.repeat(40_000) }) }, 413, /application\/json/],
    ['a JSON body that is not JSON (400)', '/api/search', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' }, 400, /application\/json/],
    ['the page fragments', `/fragments?q=${enc('النفط')}`, {}, 200, /application\/json/],
    ['the page fragments of a bad page number', `/fragments?q=${enc('النفط')}&page=0`, {}, 400, /application\/json/],
    ['/health', '/health', {}, 200, /application\/json/],
    ['/ready', '/ready', {}, 200, /application\/json/],
    ['a script', '/static/search-page.js', {}, 200, /javascript/],
    ['a style sheet', '/static/style.css', {}, 200, /text\/css/],
    ['an SVG icon', '/static/favicon.svg', {}, 200, /image\/svg\+xml/],
    ['a font', '/fonts/noto-naskh-arabic-arabic-400-normal.woff2', {}, 200, /font\/woff2/],
    ['a missing static file', '/static/nope.js', {}, 404, /application\/json/],
    ['a HEAD request', `/api/search?q=${enc('النفط')}`, { method: 'HEAD' }, 200, /application\/json/],
  ];
  it.each(cases)('%s', async (name, path, init, status, type) => {
    const res = await fetch(fx.srv.url + path, init);
    await res.arrayBuffer();
    expect(res.status, name).toBe(status);
    expect(res.headers.get('content-type') ?? '', name).toMatch(type);
    expectSecurityHeaders(res, name);
    // API answers and page fragments are not cached (POSTs refused before the API router are not cacheable anyway).
    if ((path.startsWith('/api/') || path.startsWith('/fragments')) && (init.method ?? 'GET') === 'GET') expect(res.headers.get('cache-control') ?? '', name).toMatch(/no-store|no-cache/);
  });

  it('the 503 page and JSON while the index loads', async () => {
    const engine = new LocalEngine(fx.idx.index, { watch: false, pollMs: 0 });
    const app = createApp({ engine, options: { corsOrigin: [], rateLimit: 0, trustProxy: false }, logger: pino({ level: 'silent' }) });
    const server: Server = createHttpServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (const [path, headers, type] of [
        ['/', HTML, /text\/html/],
        ['/api/search?q=a', {}, /application\/json/],
        ['/fragments?q=a', {}, /application\/json/],
        ['/doc/srv-001', HTML, /text\/html/],
        ['/ready', {}, /application\/json/],
      ] as const) {
        const res = await fetch(url + path, { headers });
        await res.arrayBuffer();
        expect(res.status, path).toBe(503);
        expect(res.headers.get('content-type'), path).toMatch(type);
        expectSecurityHeaders(res, `503 ${path}`);
      }
    } finally {
      await engine.close();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('rate limiting per client IP', () => {
  let proxied: RunningServer;
  let direct: RunningServer;
  beforeAll(async () => {
    [proxied, direct] = await Promise.all([
      startTestServer({ index: fx.idx.index, rateLimit: 3, trustProxy: 1, watch: false, reloadPollMs: 0 }),
      startTestServer({ index: fx.idx.index, rateLimit: 3, trustProxy: false, watch: false, reloadPollMs: 0 }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([proxied?.close(), direct?.close()]);
  });

  const hit = async (base: string, ip?: string) => {
    const res = await fetch(`${base}/api/stats`, { headers: ip ? { 'x-forwarded-for': ip } : {} });
    const body = await res.json();
    return { status: res.status, body, res };
  };

  it('behind a trusted proxy each client has its own allowance; the 429 is in the error shape with headers', async () => {
    const a: number[] = [];
    for (let i = 0; i < 5; i++) a.push((await hit(proxied.url, '203.0.113.1')).status);
    expect(a).toEqual([200, 200, 200, 429, 429]);
    // Another client is not affected.
    expect((await hit(proxied.url, '203.0.113.2')).status).toBe(200);
    const limited = await hit(proxied.url, '203.0.113.1');
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ error: { code: 'rate_limited', message: expect.stringMatching(/at most 3 a minute/) } });
    expectSecurityHeaders(limited.res, '429');
    expect(limited.res.headers.get('ratelimit') ?? limited.res.headers.get('ratelimit-policy')).toBeTruthy();
    // The page's fragments count against the same allowance.
    expect((await fetch(`${proxied.url}/fragments?q=${enc('النفط')}`, { headers: { 'x-forwarded-for': '203.0.113.1' } })).status).toBe(429);
    // Pages and probes are not limited.
    expect((await fetch(`${proxied.url}/health`, { headers: { 'x-forwarded-for': '203.0.113.1' } })).status).toBe(200);
    expect((await fetch(`${proxied.url}/`, { headers: { 'x-forwarded-for': '203.0.113.1', accept: 'text/html' } })).status).toBe(200);
  });

  it('without a trusted proxy a forged X-Forwarded-For does not buy a new allowance', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await hit(direct.url, `198.51.100.${i}`)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429]);
  });
});

describe('nothing over HTTP changes the index', () => {
  const ROUTES = ['/api/search', '/api/suggest', '/api/documents/srv-001', '/api/stats', '/api/openapi.json', '/api/reload', '/api/index', '/api/documents', '/', '/fragments', '/doc/srv-001', '/health', '/ready'];
  it.each(['POST', 'PUT', 'PATCH', 'DELETE'])('%s on every route is a 404 in the error shape', async (method) => {
    const before = await (await fetch(`${fx.srv.url}/api/stats`)).json();
    for (const route of ROUTES) {
      const res = await fetch(fx.srv.url + route, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'x', title: 't', text: 'نص' }) });
      const body = await res.json();
      expect(res.status, `${method} ${route}`).toBe(404);
      expect(body.error.code).toBe('not_found');
    }
    const after = await (await fetch(`${fx.srv.url}/api/stats`)).json();
    expect(after).toEqual(before);
  });

  it('the OpenAPI document lists only GET operations', async () => {
    const doc = await (await fetch(`${fx.srv.url}/api/openapi.json`)).json();
    const methods = Object.values(doc.paths as Record<string, Record<string, unknown>>).flatMap((ops) => Object.keys(ops).filter((k) => ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'].includes(k)));
    expect(new Set(methods)).toEqual(new Set(['get']));
  });
});

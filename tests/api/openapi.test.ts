/**
 * Keeps /api/openapi.json true: its paths are exactly the Express routes, and
 * every documented query parameter behaves as documented (bounds, enums,
 * required), every parameter the server reads is documented.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/serve.js';
import { documentParams, pageParams, searchParams, suggestParams } from '../../src/server/validation.js';
import { buildFixtureIndex, startTestServer, type TempIndex } from '../helpers/server.js';

interface Param {
  name: string;
  in: 'query' | 'path';
  required?: boolean;
  schema: { type: string; minimum?: number; maximum?: number; enum?: string[]; maxLength?: number; minLength?: number; format?: string };
}

let idx: TempIndex;
let srv: RunningServer;
let doc: { openapi: string; paths: Record<string, Record<string, { parameters?: Param[]; responses: Record<string, unknown> }>>; components: { schemas: Record<string, unknown>; securitySchemes?: Record<string, unknown> } };

beforeAll(async () => {
  idx = await buildFixtureIndex();
  // With the admin token, so that the write routes are there to be compared too.
  srv = await startTestServer({ index: idx.index, watch: false, reloadPollMs: 0, adminToken: 'openapi-test-token-0123456789abcdef' });
  const res = await fetch(`${srv.url}/api/openapi.json`);
  expect(res.status).toBe(200);
  doc = await res.json();
});

afterAll(async () => {
  await srv?.close();
  idx?.cleanup();
});

/** Every route of the Express app as "METHOD /path/{param}". */
function expressRoutes(): string[] {
  const stack = (srv.app as unknown as { router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] } }).router.stack;
  const out: string[] = [];
  for (const layer of stack) {
    if (!layer.route) continue;
    const path = layer.route.path.replace(/:(\w+)/g, '{$1}');
    for (const [m, on] of Object.entries(layer.route.methods)) if (on && m !== '_all') out.push(`${m.toUpperCase()} ${path}`);
  }
  return out.sort();
}

function documentedRoutes(): string[] {
  const out: string[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) for (const m of Object.keys(ops)) out.push(`${m.toUpperCase()} ${path}`);
  return out.sort();
}

const pathFor = (p: string) => p.replace('{id}', 'srv-001');

describe('OpenAPI document', () => {
  it('is OpenAPI 3 with an error schema', () => {
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.components.schemas.Error).toBeTruthy();
  });

  it('documents exactly the routes the server has, both ways', () => {
    const routes = expressRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(9);
    expect(documentedRoutes()).toEqual(routes);
  });

  it('describes the write routes with their bearer scheme, and leaves them out when the server has none', async () => {
    expect(doc.components.securitySchemes).toEqual({ adminToken: expect.objectContaining({ type: 'http', scheme: 'bearer' }) });
    expect(Object.keys(doc.paths['/api/documents/{id}']).sort()).toEqual(['delete', 'get', 'put']);
    const plain = await startTestServer({ index: idx.index, watch: false, reloadPollMs: 0 });
    try {
      const d = (await (await fetch(`${plain.url}/api/openapi.json`)).json()) as typeof doc;
      expect(Object.keys(d.paths['/api/documents/{id}'])).toEqual(['get']);
      expect(d.paths['/api/documents']).toBeUndefined();
      expect(d.components.securitySchemes).toBeUndefined();
    } finally {
      await plain.close();
    }
  });

  it('documents every parameter the validators read, and no others', () => {
    const names = (path: string) => (doc.paths[path].get.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name).sort();
    expect(names('/api/search')).toEqual(Object.keys(searchParams.shape).sort());
    expect(names('/api/suggest')).toEqual(Object.keys(suggestParams.shape).sort());
    expect(names('/api/documents/{id}')).toEqual(Object.keys(documentParams.shape).sort());
    expect(names('/doc/{id}')).toEqual(Object.keys(documentParams.shape).sort());
    expect(names('/')).toEqual(Object.keys(pageParams.shape).sort());
  });

  it('answers every documented path with a documented status', async () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      // The write routes' answers are checked by tests/api/writes.test.ts.
      if (!ops.get) continue;
      const required = (ops.get.parameters ?? []).filter((p) => p.in === 'query' && p.required);
      const qs = required.map((p) => `${p.name}=a`).join('&');
      const res = await fetch(`${srv.url}${pathFor(path)}${qs ? `?${qs}` : ''}`);
      expect(Object.keys(ops.get.responses), `${path} → ${res.status}`).toContain(String(res.status));
    }
  });

  it('parameters behave as documented: required, bounds, enums, lengths, dates', async () => {
    let checked = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      const params = (ops.get?.parameters ?? []).filter((p) => p.in === 'query');
      if (!params.length) continue;
      const base = params.filter((p) => p.required).map((p) => [p.name, 'a'] as [string, string]);
      const status = async (extra: [string, string][], drop?: string) => {
        const sp = new URLSearchParams([...base.filter(([n]) => n !== drop), ...extra]);
        return (await fetch(`${srv.url}${pathFor(path)}?${sp}`)).status;
      };
      const isHtml = !path.startsWith('/api');
      for (const p of params) {
        const label = `${path} ${p.name}`;
        if (p.required) expect(await status([], p.name), `${label} missing`).toBe(400);
        expect(await status([[p.name, 'a'], [p.name, 'b']]), `${label} repeated`).toBe(400);
        const s = p.schema;
        if (s.type === 'integer') {
          expect(await status([[p.name, String(s.minimum)]]), `${label} = minimum`).toBe(200);
          expect(await status([[p.name, String(s.maximum)]]), `${label} = maximum`).toBe(200);
          expect(await status([[p.name, String((s.minimum ?? 0) - 1)]]), `${label} < minimum`).toBe(400);
          expect(await status([[p.name, String((s.maximum ?? 0) + 1)]]), `${label} > maximum`).toBe(400);
          expect(await status([[p.name, 'x']]), `${label} not a number`).toBe(400);
        }
        if (s.enum) {
          for (const v of s.enum) expect(await status([[p.name, v]]), `${label} = ${v}`).toBe(200);
          expect(await status([[p.name, 'zzz']]), `${label} outside the enum`).toBe(400);
        }
        if (s.type === 'boolean') {
          for (const v of ['true', 'false', '1', '0']) expect(await status([[p.name, v]]), `${label} = ${v}`).toBe(200);
          expect(await status([[p.name, 'maybe']]), `${label} not a boolean`).toBe(400);
        }
        if (s.format === 'date') {
          expect(await status([[p.name, '2015-07-21']]), `${label} a date`).toBe(200);
          expect(await status([[p.name, '21/07/2015']]), `${label} not a date`).toBe(400);
        }
        if (s.maxLength && p.name === 'q') {
          expect(await status([[p.name, 'ب'.repeat(s.maxLength)]], p.name), `${label} at maxLength`).toBe(200);
          expect(await status([[p.name, 'ب'.repeat(s.maxLength + 1)]], p.name), `${label} over maxLength`).toBe(400);
        }
        checked++;
      }
      expect(isHtml || params.length > 0).toBe(true);
    }
    expect(checked).toBeGreaterThanOrEqual(14);
  });
});

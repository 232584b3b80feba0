/**
 * The write API (live updates) against a real server on an ephemeral port:
 * the admin token, read-your-writes (the next search, facets, totals,
 * suggestions, did-you-mean and the document itself), hostile writes (ids,
 * sizes, malformed NDJSON, a batch with one bad line), concurrent writers,
 * the rate limit, and every answer a status the OpenAPI description lists.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/serve.js';
import { buildFixtureIndex, startTestServer, waitFor, type TempIndex } from '../helpers/server.js';
import { rawRequest } from '../reliability/helpers.js';

const TOKEN = 'write-api-test-token-0123456789';
const enc = encodeURIComponent;

let idx: TempIndex;
let srv: RunningServer;
let openapi: { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };

beforeAll(async () => {
  idx = await buildFixtureIndex();
  // No merges here, so that segments and deletions stay as the writes leave them; merges have their own test below.
  srv = await startTestServer({ index: idx.index, watch: false, reloadPollMs: 0, adminToken: TOKEN, mergeFactor: 0 });
  openapi = await (await fetch(`${srv.url}/api/openapi.json`)).json();
});

afterAll(async () => {
  await srv?.close();
  idx?.cleanup();
});

// Bodies of many shapes, inspected field by field.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = any;

interface Answer {
  status: number;
  body: Body;
  headers: Headers;
}

/** The OpenAPI path of a write's address. */
function template(path: string): string {
  return path.startsWith('/api/documents/') ? '/api/documents/{id}' : path;
}

async function call(method: string, path: string, init: { body?: BodyInit; type?: string; token?: string | null; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...init.headers };
  const token = init.token === undefined ? TOKEN : init.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (init.type) headers['content-type'] = init.type;
  const res = await fetch(srv.url + path, { method, headers, body: init.body });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: kept as text, and the assertions say so
  }
  // Every answer of a write route is one its description lists.
  const documented = openapi.paths[template(path.split('?')[0])]?.[method.toLowerCase()]?.responses;
  if (documented) expect(Object.keys(documented), `${method} ${path} → ${res.status}`).toContain(String(res.status));
  return { status: res.status, body, headers: res.headers };
}

const put = (id: string, doc: Record<string, unknown> | string, init: Parameters<typeof call>[2] = {}) =>
  call('PUT', `/api/documents/${enc(id)}`, { type: 'application/json', body: typeof doc === 'string' ? doc : JSON.stringify(doc), ...init });
const del = (id: string, init: Parameters<typeof call>[2] = {}) => call('DELETE', `/api/documents/${enc(id)}`, init);
const batch = (lines: unknown[], init: Parameters<typeof call>[2] = {}) =>
  call('POST', '/api/documents', { type: 'application/x-ndjson', body: lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n', ...init });
const search = async (q: string, extra = '') => (await fetch(`${srv.url}/api/search?q=${enc(q)}${extra}`)).json() as Promise<Body>;
const getDoc = (id: string) => fetch(`${srv.url}/api/documents/${enc(id)}`);

function expectError(a: Answer, status: number, code: string, message?: RegExp): void {
  expect(a.status, JSON.stringify(a.body)).toBe(status);
  expect(a.body.error.code).toBe(code);
  expect(typeof a.body.error.message).toBe('string');
  if (message) expect(a.body.error.message).toMatch(message);
}

describe('the admin token', () => {
  it('is required: none → 401 with WWW-Authenticate, a wrong one → 403, and nothing is written', async () => {
    for (const token of [null, 'Basic abc']) {
      const a = await call('PUT', '/api/documents/auth-1', { token: null, type: 'application/json', body: '{"text":"نص"}', headers: token ? { authorization: token } : {} });
      expectError(a, 401, 'unauthorized', /Authorization: Bearer/);
      expect(a.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
    }
    for (const token of ['wrong', TOKEN.slice(0, -1), `${TOKEN}x`, TOKEN.toUpperCase()]) {
      const a = await put('auth-1', { text: 'نص تجريبي' }, { token });
      expectError(a, 403, 'forbidden');
      expect(a.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
      expectError(await del('srv-001', { token }), 403, 'forbidden');
      expectError(await batch([{ delete: 'srv-001' }], { token }), 403, 'forbidden');
    }
    expect((await getDoc('auth-1')).status).toBe(404);
    expect((await getDoc('srv-001')).status).toBe(200);
  });

  it('is checked before the body is read or the id judged', async () => {
    expectError(await call('PUT', `/api/documents/${'x'.repeat(2000)}`, { token: null, type: 'text/plain', body: 'x' }), 401, 'unauthorized');
  });

  it('leaves no write route when the server has none: they answer as unknown routes do', async () => {
    const plain = await startTestServer({ index: idx.index, watch: false, reloadPollMs: 0 });
    try {
      for (const [method, path, type] of [['PUT', '/api/documents/srv-001', 'application/json'], ['DELETE', '/api/documents/srv-001', undefined], ['POST', '/api/documents', 'application/x-ndjson']] as const) {
        const res = await fetch(plain.url + path, { method, headers: { authorization: `Bearer ${TOKEN}`, ...(type ? { 'content-type': type } : {}) }, body: type ? '{"text":"نص"}' : undefined });
        expect(res.status, `${method} ${path}`).toBe(404);
        expect((await res.json()).error.code).toBe('not_found');
      }
    } finally {
      await plain.close();
    }
    expect((await getDoc('srv-001')).status).toBe(200);
  });
});

describe('read-your-writes', () => {
  it('a put is found by the very next search and read back; putting it again replaces it', async () => {
    const before = await search('الكمأة');
    expect(before.total).toBe(0);
    const a = await put('w-1', { title: 'موسم الكمأة في الشمال', text: 'بدأ موسم جمع الكمأة في صحراء الشمال بعد أمطار غزيرة', source: 'الوطن', date: '2024-02-01' });
    expect(a.status).toBe(201);
    expect(a.headers.get('location')).toBe('/api/documents/w-1');
    expect(a.body).toMatchObject({ added: ['w-1'], replaced: [], deleted: [], notFound: [], documents: idx.documents + 1 });
    expect(a.body.generation).toMatch(/^gen-/);
    const after = await search('الكمأة');
    expect(after.total).toBe(1);
    expect(after.hits[0].id).toBe('w-1');
    expect(after.hits[0].titleHighlighted).toContain('<mark>الكمأة</mark>');

    const b = await put('w-1', { title: 'موسم الكمأة ينتهي', text: 'انتهى موسم الكمأة مبكرا هذا العام بسبب الجفاف' });
    expect(b.status).toBe(200);
    expect(b.body).toMatchObject({ added: [], replaced: ['w-1'], documents: idx.documents + 1 });
    expect((await (await getDoc('w-1')).json()).text).toBe('انتهى موسم الكمأة مبكرا هذا العام بسبب الجفاف');
    const s = await search('الكمأة');
    expect(s.total).toBe(1);
    expect(s.hits[0].title).toBe('موسم الكمأة ينتهي');
  });

  it('a delete disappears from search, totals, facets, suggestions, did-you-mean and the document route', async () => {
    const doc = { title: 'السنجاب الطائر في الغابات', text: 'رصد الباحثون السنجاب الطائر في غابات الجنوب للمرة الأولى', source: 'مصدر الاختبار' };
    expect((await put('w-del', doc)).status).toBe(201);
    const found = await search('السنجاب');
    expect(found.total).toBe(1);
    expect(found.facets.source['مصدر الاختبار']).toBe(1);
    const suggest = async () => (await (await fetch(`${srv.url}/api/suggest?q=${enc('السنج')}`)).json()).suggestions.map((x: { term: string }) => x.term);
    expect(await suggest()).toContain('السنجاب');
    const near = await search('السنجاط');
    expect(near.total).toBe(0);
    expect(near.didYouMean).toBe('السنجاب');
    const all = (await search('الغابات السنجاب الرياض')).total;

    const d = await del('w-del');
    expect(d.status).toBe(200);
    expect(d.body).toMatchObject({ added: [], replaced: [], deleted: ['w-del'], notFound: [], documents: idx.documents + 1 });

    const gone = await search('السنجاب');
    expect(gone.total).toBe(0);
    expect(gone.facets.source['مصدر الاختبار']).toBeUndefined();
    expect(await suggest()).not.toContain('السنجاب');
    expect((await search('السنجاط')).didYouMean).not.toBe('السنجاب');
    expect((await search('الغابات السنجاب الرياض')).total).toBe(all - 1);
    expect((await getDoc('w-del')).status).toBe(404);
    const page = await (await fetch(`${srv.url}/?q=${enc('السنجاب')}`, { headers: { accept: 'text/html' } })).text();
    expect(page).not.toContain('رصد الباحثون');
  });

  it('deleting an id the index does not hold is not an error, and says so', async () => {
    const a = await del('no-such-document');
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ deleted: [], notFound: ['no-such-document'] });
  });

  it('/api/stats tells the segments, the deleted documents awaiting a merge and the last write', async () => {
    const before = (await (await fetch(`${srv.url}/api/stats`)).json()) as Body;
    const t = Date.now();
    await put('w-stats', { text: 'وثيقة لقياس الإحصاءات' });
    // Replacing a document of the built segment leaves the old one there, deleted, until a merge.
    await put('srv-003', { title: 'الجامعات تمدد القبول', text: 'مددت الجامعات باب القبول أسبوعا آخر' });
    const after = (await (await fetch(`${srv.url}/api/stats`)).json()) as Body;
    expect(after).toMatchObject({ engine: 'local', documents: before.documents + 1, segments: before.segments + 2, deleted: before.deleted + 1, merging: false });
    expect(Date.parse(after.lastWrite)).toBeGreaterThanOrEqual(t - 1000);
    expect(after.generation).not.toBe(before.generation);
  });
});

describe('batches', () => {
  it('apply puts and deletes in one commit, the last line about an id deciding', async () => {
    const a = await batch([
      { id: 'b-1', title: 'قطار الشمال', text: 'انطلق قطار الشمال في رحلته الأولى إلى الحدود' },
      { id: 'b-2', text: 'نص سيحذف في الدفعة نفسها' },
      { delete: 'b-2' },
      { delete: 'srv-010' },
      { delete: 'never-was' },
      '',
      { id: 'srv-011', title: 'قطار الحرمين', text: 'قطار الحرمين ينقل أكثر من مليون راكب' },
    ]);
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    expect(a.body).toMatchObject({ added: ['b-1'], replaced: ['srv-011'], deleted: ['srv-010'], notFound: ['b-2', 'never-was'] });
    expect((await getDoc('b-2')).status).toBe(404);
    expect((await getDoc('srv-010')).status).toBe(404);
    expect((await search('قطار الشمال', '&mode=all')).hits.map((h: Body) => h.id)).toEqual(['b-1']);
  });

  it('with one bad line apply nothing, and name every problem by line and id', async () => {
    const lines = [
      { id: 'bad-1', text: 'هذه الوثيقة سليمة لكنها لن تكتب' },
      { delete: 'srv-001' },
      { id: 'bad-2', title: 'بلا نص' },
      '{"id": "bad-3", "text": "نص مقطوع',
      { title: 'بلا معرف', text: 'نص' },
      { id: 'bad-4', text: 'نص', title: 'ع'.repeat(4001) },
      { delete: { id: 'x' } },
      [1, 2],
    ];
    const a = await batch(lines);
    expectError(a, 400, 'bad_request', /6 of 8 lines cannot be written/);
    expect(a.body.error.problems).toEqual([
      { line: 3, id: 'bad-2', message: expect.stringMatching(/no text/) },
      { line: 4, message: expect.stringMatching(/not valid JSON/) },
      { line: 5, message: expect.stringMatching(/needs an "id"/) },
      { line: 6, id: 'bad-4', message: expect.stringMatching(/"title" is longer than 4000/) },
      { line: 7, message: expect.stringMatching(/"delete" must name an id/) },
      { line: 8, message: 'record is not a JSON object' },
    ]);
    expect(a.body.error.message).toContain('line 3, id "bad-2"');
    expect((await getDoc('bad-1')).status).toBe(404);
    expect((await getDoc('srv-001')).status).toBe(200);
  });

  it('refuse malformed NDJSON: invalid UTF-8, a JSON array as the whole body, an empty batch', async () => {
    const invalid = Buffer.concat([Buffer.from('{"id":"u-1","text":"نص"}\n{"id":"u-2","text":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n')]);
    const a = await call('POST', '/api/documents', { type: 'application/x-ndjson', body: invalid });
    expectError(a, 400, 'bad_request');
    expect(a.body.error.problems).toEqual([{ line: 2, message: 'not valid UTF-8' }]);
    const b = await call('POST', '/api/documents', { type: 'application/x-ndjson', body: JSON.stringify([{ id: 'u-3', text: 'نص' }]) });
    expect(b.body.error.problems[0]).toMatchObject({ line: 1, message: 'record is not a JSON object' });
    expectError(await call('POST', '/api/documents', { type: 'application/x-ndjson', body: '\n\n  \n' }), 400, 'bad_request', /empty/);
    expect((await getDoc('u-1')).status).toBe(404);
  });

  it(`over the line limit or the size limit are refused whole (413), the limit named`, async () => {
    const many = Array.from({ length: 1001 }, (_, i) => ({ id: `many-${i}`, text: 'نص قصير' }));
    expectError(await batch(many), 413, 'payload_too_large', /more than 1,000 lines/);
    expect((await getDoc('many-0')).status).toBe(404);
    const big = Buffer.alloc(33 * 1024 * 1024, 0x20);
    expectError(await call('POST', '/api/documents', { type: 'application/x-ndjson', body: big }), 413, 'payload_too_large', /32 MiB, the limit of one batch/);
    expect((await batch(Array.from({ length: 1000 }, (_, i) => ({ id: `many-${i}`, text: `نص قصير رقم ${i}` })))).status).toBe(200);
    expect((await getDoc('many-999')).status).toBe(200);
  });
});

describe('hostile writes', () => {
  it('ids with / are ids like any other; "..", NUL, spaces at the ends and 10,000 characters are refused', async () => {
    const slash = await put('a/b/../c', { text: 'وثيقة معرفها فيه شرطة مائلة' });
    expect(slash.status).toBe(201);
    expect(slash.headers.get('location')).toBe('/api/documents/a%2Fb%2F..%2Fc');
    expect((await (await getDoc('a/b/../c')).json()).text).toBe('وثيقة معرفها فيه شرطة مائلة');
    // A client resolves "/.." (and "%2E%2E") in an address before sending it: sent as it is, the path names the id "..".
    for (const [method, id] of [['PUT', '..'], ['PUT', '.'], ['DELETE', '..'], ['PUT', '%2E%2E']]) {
      const body = method === 'PUT' ? '{"text":"نص"}' : '';
      const head = `${method} /api/documents/${id} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`;
      const r = await rawRequest(srv.port, head + body);
      expect(r.status, `${method} ${id}`).toBe(400);
      expect(JSON.parse(r.body).error.message).toMatch(/cannot be "\.\.?"/);
    }
    expectError(await put('a\u0000b', { text: 'نص' }), 400, 'bad_request', /control character/);
    expectError(await del('a\u0000b'), 400, 'bad_request', /control character/);
    expectError(await put(' padded ', { text: 'نص' }), 400, 'bad_request', /spaces at its ends/);
    expectError(await put('x'.repeat(10_000), { text: 'نص' }), 400, 'invalid_parameter', /too long/);
    expectError(await del('x'.repeat(10_000)), 400, 'invalid_parameter', /too long/);
    expectError(await batch([{ id: 'x'.repeat(10_000), text: 'نص' }]), 400, 'bad_request', /longer than 1000 characters/);
    expectError(await batch([{ delete: '..' }]), 400, 'bad_request', /cannot be "\.\."/);
    for (const id of ['a\u0000b', ' padded ', 'padded']) expect((await getDoc(id)).status).not.toBe(200);
  });

  it('a body naming another id, or not an object, or not JSON, is refused', async () => {
    expectError(await put('p-1', { id: 'p-2', text: 'نص' }), 400, 'bad_request', /differs from the id in the address/);
    expect((await put('p-1', { id: 'p-1', text: 'نص مطابق' })).status).toBe(201);
    expect((await put('42', { id: 42, text: 'معرف رقمي' })).status).toBe(201);
    expectError(await put('p-3', '["نص"]'), 400, 'bad_request', /not a JSON object/);
    expectError(await put('p-3', '{"text": "نص"'), 400, 'bad_request', /not valid JSON/);
    expectError(await put('p-3', { text: '   ' }), 400, 'bad_request', /no text/);
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 20; i++) deep = { deeper: deep };
    expectError(await put('p-3', { text: 'نص', metadata: deep }), 400, 'bad_request', /nested more than 16 levels/);
    expect((await getDoc('p-2')).status).toBe(404);
    expect((await getDoc('p-3')).status).toBe(404);
  });

  it('a prototype key stays a field, and markup in a document is escaped where it is shown', async () => {
    const a = await put('proto', '{"text": "نص عن <script>alert(1)</script> البرتقال", "__proto__": {"admin": true}, "source": "<b>مصدر</b>"}');
    expect(a.status).toBe(201);
    const s = await search('البرتقال');
    expect(s.hits[0].metadata.__proto__).toEqual({ admin: true });
    expect(s.hits[0].snippet).not.toContain('<script>');
    expect(s.hits[0].snippet).toContain('&lt;script&gt;');
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    const page = await (await fetch(`${srv.url}/?q=${enc('البرتقال')}`, { headers: { accept: 'text/html' } })).text();
    expect(page).not.toContain('<script>alert(1)');
    expect(page).not.toContain('<b>مصدر</b>');
  });

  it('oversized documents are refused: a text over the loader\'s limit (400), a body over 16 MiB (413), with or without a declared length', async () => {
    expectError(await put('huge-text', { text: 'ن'.repeat(4_000_001) }), 400, 'bad_request', /"text" is longer than 4,000,000 characters/);
    const body = Buffer.alloc(17 * 1024 * 1024, 0x61);
    expectError(await put('huge-body', body.toString()), 413, 'payload_too_large', /16 MiB, the limit of one document/);
    const chunks = new ReadableStream({
      start(c) {
        for (let i = 0; i < 17; i++) c.enqueue(new Uint8Array(1024 * 1024).fill(0x61));
        c.close();
      },
    });
    const streamed = await fetch(`${srv.url}/api/documents/huge-body`, { method: 'PUT', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: chunks, duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
    expect((await getDoc('huge-text')).status).toBe(404);
    expect((await getDoc('huge-body')).status).toBe(404);
    // The server goes on answering.
    expect((await search('النفط')).total).toBeGreaterThan(0);
  });

  it('a body of another type, or compressed, is refused (415) before it is read', async () => {
    expectError(await put('t-1', '{"text":"نص"}', { type: 'text/plain' }), 415, 'unsupported_media_type', /application\/json/);
    expectError(await put('t-1', '{"text":"نص"}', { type: 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type');
    expectError(await call('PUT', '/api/documents/t-1', { body: gzipSync('{"text":"نص"}'), type: 'application/json', headers: { 'content-encoding': 'gzip' } }), 415, 'unsupported_media_type', /compressed/);
    expectError(await call('POST', '/api/documents', { type: 'application/json', body: '{"id":"t-1","text":"نص"}' }), 415, 'unsupported_media_type', /x-ndjson/);
    expect((await getDoc('t-1')).status).toBe(404);
  });
});

describe('concurrent writers', () => {
  it('forty writes at once are all applied, each answered after it is visible', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `c-${i}`);
    const answers = await Promise.all(
      ids.map(async (id, i) => {
        const a = i % 2 ? await put(id, { title: `خبر متزامن ${i}`, text: `كتابة متزامنة رقم ${i} عن الزيتون` }) : await batch([{ id, text: `كتابة متزامنة رقم ${i} عن الزيتون` }]);
        // Read-your-writes, for each writer on its own.
        const seen = (await getDoc(id)).status;
        return { status: a.status, seen, generation: a.body.generation as string };
      }),
    );
    for (const a of answers) {
      expect([200, 201]).toContain(a.status);
      expect(a.seen).toBe(200);
    }
    expect((await search('الزيتون', '&limit=100')).total).toBe(40);
    // Writes that arrived together were committed together.
    expect(new Set(answers.map((a) => a.generation)).size).toBeLessThan(40);
  });
});

describe('merges in the running server', () => {
  it('merge the small segments writes leave, in the background, and answers stay the same', async () => {
    const dir = await buildFixtureIndex();
    const merging = await startTestServer({ index: dir.index, watch: false, reloadPollMs: 0, adminToken: TOKEN, mergeFactor: 3 });
    try {
      const stats = async () => (await (await fetch(`${merging.url}/api/stats`)).json()) as Body;
      for (let i = 0; i < 8; i++) {
        const res = await fetch(`${merging.url}/api/documents/m-${i}`, { method: 'PUT', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ title: `نشرة الطقس ${i}`, text: `توقعات الطقس ليوم ${i}: أمطار على الرياض ورياح على جدة` }) });
        expect(res.status).toBe(201);
      }
      // Eight writes: eight one-document segments beside the base, merged by threes into fewer.
      const merged = await waitFor(async () => {
        const s = await stats();
        return s.segments <= 4 && !s.merging ? s : undefined;
      });
      expect(merged.documents).toBe(dir.documents + 8);
      const r = (await (await fetch(`${merging.url}/api/search?q=${enc('توقعات الطقس')}&mode=all&limit=20`)).json()) as Body;
      expect(r.hits.map((h: Body) => h.id).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `m-${i}`));
    } finally {
      await merging.close();
      dir.cleanup();
    }
  });
});

describe('rate limit', () => {
  it('applies to writes as to every request of the API', async () => {
    const limited = await startTestServer({ index: idx.index, watch: false, reloadPollMs: 0, adminToken: TOKEN, rateLimit: 3 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${limited.url}/api/documents/rl-${i}`, { method: 'DELETE', headers: { authorization: `Bearer ${TOKEN}` } });
        statuses.push(res.status);
        if (res.status === 429) expect((await res.json()).error.code).toBe('rate_limited');
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
    } finally {
      await limited.close();
    }
  });
});

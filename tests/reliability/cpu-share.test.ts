/**
 * One client cannot take the server's CPU from the others. A real
 * `fahras serve` over 3,000 documents of common words, where a 512-character
 * query of them costs tens of milliseconds; one client (connecting from
 * 127.0.0.2) keeps 30 such queries in flight while another (127.0.0.1)
 * searches normally:
 *
 *  - the normal client's searches are answered, 200, each after at most a few
 *    of the flood's (clients take turns; first come, first served let the
 *    whole flood go first);
 *  - past its share of search time (FAHRAS_CLIENT_CPU_MS) the flooding client
 *    is answered 429 with a plain message and Retry-After, the other not;
 *  - a request that waited longer than FAHRAS_QUEUE_TIMEOUT_MS for its turn is
 *    answered 503 `busy` instead of being started late.
 *
 * Assertions are about order and answers, not about milliseconds.
 */
import { Agent, get } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arabicText, cliIndex, cliServe, prng, SENTENCES, type CliIndex } from './corpus.js';
import { requireBuilt, type ServeChild } from './helpers.js';

const rand = prng(31);
const FLOOD = 30;
/** 512 characters of the corpus's words: every one in most documents. */
const COSTLY = [...new Set(SENTENCES.join(' ').split(/\s+/))]
  .filter((w) => w.length > 3)
  .join(' ')
  .slice(0, 512)
  .replace(/\s\S*$/, '');
const NORMAL = ['النفط', 'الأمن', 'أسعار', 'التعاون', 'الرياض', 'الطاقة'];

let idx: CliIndex;

beforeAll(async () => {
  requireBuilt();
  idx = await cliIndex(Array.from({ length: 3000 }, (_, i) => ({ id: `d${i}`, title: arabicText(60, rand), text: arabicText(1500, rand) })));
}, 120_000);

afterAll(() => idx?.cleanup());

interface Answer {
  status: number;
  body: string;
  retryAfter?: string;
}

/** A GET through `agent` (its local address is the client). */
function ask(base: string, path: string, agent: Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    get(base + path, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, retryAfter: res.headers['retry-after'] as string | undefined }));
    }).on('error', reject);
  });
}

/** `fahras serve` over the index with `env`, for the describe block it is called in. */
function serving(env: NodeJS.ProcessEnv): { readonly url: string } {
  let srv: ServeChild | undefined;
  beforeAll(async () => {
    srv = await cliServe(idx.index, { FAHRAS_CACHE_SIZE: '0', FAHRAS_RATE_LIMIT: '0', ...env });
  });
  afterAll(async () => srv?.stop());
  return {
    get url() {
      return srv!.url;
    },
  };
}

const client = (address: string, sockets: number) => new Agent({ keepAlive: true, maxSockets: sockets, localAddress: address });
const costly = (i: number) => `/api/search?q=${encodeURIComponent(COSTLY)}&limit=100&offset=${i % 50}`;

/** Keeps FLOOD costly requests in flight from 127.0.0.2 until stopped; counts what it was answered. */
function flood(base: string) {
  const agent = client('127.0.0.2', FLOOD);
  const answered: number[] = [];
  let running = true;
  let sent = 0;
  const loops = Array.from({ length: FLOOD }, async () => {
    while (running) {
      const a = await ask(base, costly(sent++), agent).catch(() => ({ status: 0, body: '' }));
      answered.push(a.status);
    }
  });
  return {
    answered,
    async stop() {
      running = false;
      await Promise.all(loops);
      agent.destroy();
    },
  };
}

describe('a client flooding costly searches', () => {
  const srv = serving({ FAHRAS_CLIENT_CPU_MS: '0' });

  it('does not starve another client: each of its searches is answered 200 after a few of the flood’s, not after the flood', async () => {
    const f = flood(srv.url);
    const normal = client('127.0.0.1', 1);
    try {
      // The flood is in full swing before the other client asks: its 30 connections are accepted
      // (the server accepts one new connection per turn of its event loop, and the flood's came first).
      while (f.answered.length < FLOOD + 5) await new Promise((r) => setTimeout(r, 10));
      const between: number[] = [];
      for (const q of NORMAL) {
        const before = f.answered.length;
        const a = await ask(srv.url, `/api/search?q=${encodeURIComponent(q)}`, normal);
        expect(a.status, a.body).toBe(200);
        expect((JSON.parse(a.body) as { hits: unknown[] }).hits.length).toBeGreaterThan(0);
        between.push(f.answered.length - before);
      }
      // First come, first served answered all 30 queued ahead of each; taking turns, one or two.
      for (const n of between) expect(n, `flood answers while one normal search waited: ${between.join(', ')}`).toBeLessThan(FLOOD / 3);
    } finally {
      normal.destroy();
      await f.stop();
    }
    expect(f.answered.every((s) => s === 200)).toBe(true);
  }, 120_000);
});

describe('a client past its share of search time', () => {
  const srv = serving({ FAHRAS_CLIENT_CPU_MS: '300' });

  it('is answered 429 with a plain message and Retry-After; another client is not', async () => {
    const greedy = client('127.0.0.2', 1);
    const other = client('127.0.0.1', 1);
    try {
      let refused: Answer | undefined;
      for (let i = 0; i < 200 && !refused; i++) {
        const a = await ask(srv.url, costly(i), greedy);
        if (a.status === 429) refused = a;
        else expect(a.status).toBe(200);
      }
      expect(refused, 'never refused').toBeDefined();
      const body = JSON.parse(refused!.body) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('rate_limited');
      expect(body.error.message).toMatch(/share of search time.*try again in \d+ s/);
      expect(Number(refused!.retryAfter)).toBeGreaterThanOrEqual(1);
      expect((await ask(srv.url, `/api/search?q=${encodeURIComponent('النفط')}`, other)).status).toBe(200);
      expect((await ask(srv.url, '/health', greedy)).status).toBe(200);
    } finally {
      greedy.destroy();
      other.destroy();
    }
  }, 120_000);
});

describe('a request that waits too long for its turn', () => {
  const srv = serving({ FAHRAS_CLIENT_CPU_MS: '0', FAHRAS_QUEUE_TIMEOUT_MS: '50' });

  it('is answered 503 busy with a plain message, and the server goes on answering', async () => {
    const agent = client('127.0.0.2', FLOOD);
    try {
      // Its connections open first (a cheap request each), so that the costly ones arrive together.
      await Promise.all(Array.from({ length: FLOOD }, () => ask(srv.url, '/health', agent)));
      const answers = await Promise.all(Array.from({ length: FLOOD }, (_, i) => ask(srv.url, costly(i), agent)));
      const busy = answers.filter((a) => a.status === 503);
      expect(busy.length, JSON.stringify(answers.map((a) => a.status))).toBeGreaterThan(0);
      expect(answers.every((a) => a.status === 200 || a.status === 503)).toBe(true);
      const body = JSON.parse(busy[0].body) as { error: { code: string; message: string } };
      expect(body.error).toEqual({ code: 'busy', message: 'The server is busy; try again in a moment.' });
      expect((await ask(srv.url, `/api/search?q=${encodeURIComponent('النفط')}`, agent)).status).toBe(200);
    } finally {
      agent.destroy();
    }
  }, 120_000);
});

/**
 * A secured cluster: HTTPS with a CA of its own, basic authentication or an API key (a TLS front
 * that checks credentials before the run's real cluster, tests/opensearch/secure-proxy.ts). fahras
 * signs in, trusts the given CA, refuses to go on without it, says plainly when the credentials
 * are refused — and no password, key or Authorization header ever appears in a message, a log
 * line or an answer, at start-up or while serving.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FahrasError } from '../../src/common/errors.js';
import type { OpenSearchSettings } from '../../src/common/defaults.js';
import { OpenSearchEngine } from '../../src/engine/opensearch/engine.js';
import { buildFixtureIndex, ROOT, waitFor, type TempIndex } from '../helpers/server.js';
import { startSecureProxy, type SecureProxy } from './secure-proxy.js';

const USERNAME = 'fahras-reader';
const PASSWORD = 'pw-Zq9-secret-4242';
const API_KEY = 'a2V5LWlkOmtleS1zZWNyZXQtOTk5OQ==';
const SECRETS = [PASSWORD, API_KEY, Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64'), 'key-secret-9999'];
const MAIN = join(ROOT, 'dist', 'cli', 'main.js');

let fx: TempIndex;
let proxy: SecureProxy;

beforeAll(async () => {
  fx = await buildFixtureIndex('opensearch');
  proxy = await startSecureProxy(fx.opensearch!.urls[0], { username: USERNAME, password: PASSWORD, apiKey: API_KEY });
});

afterAll(async () => {
  await proxy?.close();
  await fx?.cleanup();
});

function secured(extra: Partial<OpenSearchSettings>): OpenSearchSettings {
  return { ...fx.opensearch!, urls: [proxy.url], ca: proxy.caFile, ...extra };
}

function expectNoSecret(text: string): void {
  for (const s of SECRETS) expect(text).not.toContain(s);
}

async function startError(s: OpenSearchSettings): Promise<FahrasError> {
  const e = new OpenSearchEngine(s);
  try {
    await e.start();
  } catch (err) {
    expect(err).toBeInstanceOf(FahrasError);
    return err as FahrasError;
  } finally {
    await e.close();
  }
  throw new Error('started');
}

describe('signing in', () => {
  it('with basic authentication, over TLS trusted through the given CA', async () => {
    const e = new OpenSearchEngine(secured({ username: USERNAME, password: PASSWORD }));
    await e.start();
    try {
      expect((await e.search('النفط')).total).toBe(4);
    } finally {
      await e.close();
    }
    expect(proxy.seen.at(-1)).toMatch(/^Basic /);
  });

  it('with an API key', async () => {
    const e = new OpenSearchEngine(secured({ apiKey: API_KEY }));
    await e.start();
    try {
      expect((await e.suggest('أسعار النف'))[0]).toMatchObject({ term: 'النفط' });
    } finally {
      await e.close();
    }
    expect(proxy.seen.at(-1)).toBe(`ApiKey ${API_KEY}`);
  });

  it('says the credentials were refused, without repeating them', async () => {
    const err = await startError(secured({ username: USERNAME, password: 'wrong-' + PASSWORD }));
    expect(err.message).toMatch(/refused the credentials \(401\)/);
    expect(err.message).not.toContain('\n');
    expectNoSecret(err.message);
    const err2 = await startError(secured({ apiKey: 'bm9wZTpub3BlLWtleS1zZWNyZXQtOTk5OQ==' }));
    expect(err2.message).toMatch(/refused the credentials \(401\)/);
    expect(err2.message).not.toContain('bm9wZTpub3BlLWtleS1zZWNyZXQtOTk5OQ==');
  });

  it('refuses a certificate it cannot verify, and names the setting that fixes it', async () => {
    const err = await startError(secured({ ca: undefined, username: USERNAME, password: PASSWORD }));
    expect(err.message).toMatch(/cannot connect \((self[- ]signed certificate|unable to verify)[^)]*; set FAHRAS_OPENSEARCH_CA/);
    expectNoSecret(err.message);
  });
});

describe('the service on a secured cluster', () => {
  let child: ChildProcess;
  let output = '';
  let url: string;

  beforeAll(async () => {
    child = spawn(process.execPath, [MAIN, 'serve', '--port', '0', '--engine', 'opensearch', '--opensearch-url', proxy.url, '--opensearch-index', fx.opensearch!.index], {
      env: {
        ...process.env,
        FAHRAS_LOG_LEVEL: 'trace',
        FAHRAS_OPENSEARCH_USERNAME: USERNAME,
        FAHRAS_OPENSEARCH_PASSWORD: PASSWORD,
        FAHRAS_OPENSEARCH_CA: proxy.caFile,
        FAHRAS_OPENSEARCH_CHECK_MS: '200',
        FAHRAS_RATE_LIMIT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    url = await waitFor(() => /on (http:\/\/127\.0\.0\.1:\d+)\//.exec(output)?.[1], 30_000);
  });

  afterAll(() => {
    proxy.refuseAll(false);
    child?.kill('SIGTERM');
  });

  it('serves; when the credentials are revoked it answers 503 with a plain message and /ready fails; it recovers when they are accepted again; no secret is logged', async () => {
    const ok = await fetch(`${url}/api/search?q=${encodeURIComponent('النفط')}`);
    expect(ok.status).toBe(200);
    expect((await ok.json()).total).toBe(4);

    proxy.refuseAll(true);
    const refused = await fetch(`${url}/api/search?q=${encodeURIComponent('التمور')}`);
    expect(refused.status).toBe(503);
    const body = await refused.text();
    expect(JSON.parse(body).error.message).toMatch(/credentials/);
    expectNoSecret(body);
    await waitFor(async () => (await fetch(`${url}/ready`)).status === 503, 10_000);
    const ready = await (await fetch(`${url}/ready`)).text();
    expect(ready).toMatch(/refused fahras's credentials/);
    expectNoSecret(ready);

    proxy.refuseAll(false);
    await waitFor(async () => (await fetch(`${url}/ready`)).status === 200, 10_000);
    expect((await fetch(`${url}/api/search?q=${encodeURIComponent('التمور')}`)).status).toBe(200);

    // Trace-level logs of all of it: requests, failures, recovery.
    expect(output).toMatch(/refused the credentials/);
    expect(output.length).toBeGreaterThan(1000);
    expectNoSecret(output);
    expect(output).not.toMatch(/authorization/i);
  });
});

describe('the command line on a secured cluster', () => {
  function fahras(args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
    return new Promise((resolve) => {
      const c = spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      c.stdout.on('data', (d: Buffer) => (out += d.toString()));
      c.stderr.on('data', (d: Buffer) => (out += d.toString()));
      c.on('close', (code) => resolve({ code: code ?? 1, out }));
    });
  }

  it('searches with the credentials from the environment, and fails in one line without a secret when they are wrong', async () => {
    const args = ['search', 'النفط', '--engine', 'opensearch', '--opensearch-url', proxy.url, '--opensearch-index', fx.opensearch!.index];
    const good = await fahras(args, { FAHRAS_OPENSEARCH_API_KEY: API_KEY, FAHRAS_OPENSEARCH_CA: proxy.caFile });
    expect(good.code).toBe(0);
    expect(good.out).toMatch(/^4 results/);
    const bad = await fahras(args, { FAHRAS_OPENSEARCH_USERNAME: USERNAME, FAHRAS_OPENSEARCH_PASSWORD: `${PASSWORD}x`, FAHRAS_OPENSEARCH_CA: proxy.caFile });
    expect(bad.code).toBe(1);
    expect(bad.out.trim().split('\n')).toHaveLength(1);
    expect(bad.out).toMatch(/^fahras: .*refused the credentials \(401\)/);
    expectNoSecret(bad.out);
    const inUrl = await fahras(['search', 'النفط', '--engine', 'opensearch', '--opensearch-url', `https://${USERNAME}:${PASSWORD}@127.0.0.1:9200`], {});
    expect(inUrl.code).toBe(2);
    expect(inUrl.out).toMatch(/must not hold credentials/);
    expectNoSecret(inUrl.out);
  });
});

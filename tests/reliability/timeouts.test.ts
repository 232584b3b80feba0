/**
 * The header and request timeouts fire when configured, not up to 30 s late
 * (Node checks them on a timer, every 30 s unless told): a real `fahras
 * serve` with FAHRAS_HEADERS_TIMEOUT_MS=1000 and FAHRAS_REQUEST_TIMEOUT_MS=2000
 * answers half a request's headers with 408 after one second, and closes a
 * request whose body never comes after two. Bad values stop the server with
 * one line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arabicText, cliIndex, prng, type CliIndex } from './corpus.js';
import { fahras, rawRequest, requireBuilt, spawnServer, type ServeChild } from './helpers.js';

let idx: CliIndex;
let srv: ServeChild;
let port: number;

beforeAll(async () => {
  requireBuilt();
  const rand = prng(5);
  idx = await cliIndex(Array.from({ length: 5 }, (_, i) => ({ id: `d${i}`, title: arabicText(40, rand), text: arabicText(400, rand) })));
  srv = await spawnServer(['serve', '--index', idx.index, '--port', '0'], { FAHRAS_HEADERS_TIMEOUT_MS: '1000', FAHRAS_REQUEST_TIMEOUT_MS: '2000' });
  port = Number(new URL(srv.url).port);
});

afterAll(async () => {
  await srv?.stop();
  idx?.cleanup();
});

/** Milliseconds `f` takes. */
async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await f();
  return [v, performance.now() - t0];
}

describe('timeouts at short values', () => {
  it('headers that never end get 408 once the header timeout has passed, not before and not much after', async () => {
    const [r, ms] = await timed(() => rawRequest(port, 'GET /api/stats HTTP/1.1\r\nHost: x\r\n', 5_000));
    expect(r.status).toBe(408);
    expect(ms).toBeGreaterThanOrEqual(950);
    expect(ms).toBeLessThan(1_900);
  });

  it('a body that never comes is cut off once the request timeout has passed', async () => {
    const [r, ms] = await timed(() => rawRequest(port, 'GET /api/stats HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nأ', 6_000));
    // The route answered at once (it reads no body); the connection is closed when the request times out.
    expect(r.status).toBe(200);
    expect(ms).toBeGreaterThanOrEqual(1_950);
    expect(ms).toBeLessThan(3_500);
  });

  it('a normal request is answered meanwhile', async () => {
    expect((await fetch(`${srv.url}/api/stats`)).status).toBe(200);
  });

  it.each([
    [{ FAHRAS_HEADERS_TIMEOUT_MS: '5000', FAHRAS_REQUEST_TIMEOUT_MS: '2000' }, /FAHRAS_HEADERS_TIMEOUT_MS \(5000\) must not be longer than FAHRAS_REQUEST_TIMEOUT_MS \(2000\)/],
    [{ FAHRAS_REQUEST_TIMEOUT_MS: '0' }, /FAHRAS_REQUEST_TIMEOUT_MS must be a whole number of milliseconds from 1 to 3600000, not "0"/],
    [{ FAHRAS_HEADERS_TIMEOUT_MS: '10s' }, /FAHRAS_HEADERS_TIMEOUT_MS must be a whole number of milliseconds/],
    [{ FAHRAS_QUEUE_TIMEOUT_MS: '-5' }, /FAHRAS_QUEUE_TIMEOUT_MS must be a whole number of milliseconds/],
    [{ FAHRAS_CLIENT_CPU_MS: '90000' }, /FAHRAS_CLIENT_CPU_MS must be a whole number of milliseconds per minute from 0 \(off\) to 60000, not "90000"/],
  ])('%j stops serve with one line and exit 2', async (env, message) => {
    const r = await fahras(['serve', '--index', idx.index, '--port', '0'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});

/**
 * A client that sends half a request and then nothing (slowloris) does not
 * hold a connection forever: Node's headersTimeout (10 s, checked every
 * connectionsCheckingInterval, 30 s by default) answers 408 and closes.
 * (A promised body that never comes is ended the same way by requestTimeout,
 * 30 s: measured 33 s by hand, not tested here to keep the suite short.)
 * In its own file so the wait overlaps the other suites.
 */
import { describe, expect, it } from 'vitest';
import { useFixtureServer } from '../helpers/server.js';
import { rawRequest } from './helpers.js';

const fx = useFixtureServer();

describe('slow clients', () => {
  it('half a request line and headers get 408 and a closed connection within 45 s', async () => {
    const t0 = Date.now();
    const r = await rawRequest(fx.srv.port, 'GET /api/stats HTTP/1.1\r\nHost: x\r\n', 45_000);
    expect(r.status).toBe(408);
    expect(Date.now() - t0).toBeLessThan(45_000);
    expect((await fetch(`${fx.srv.url}/api/stats`)).status).toBe(200);
  }, 60_000);
});

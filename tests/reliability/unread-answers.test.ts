/**
 * Clients that never read their answers cannot end the server. A real
 * `fahras serve` as the README recommends running it — V8 heap capped with
 * `--max-old-space-size=256`, the default rate limit — over documents whose
 * pages weigh ~400 kB. Eighty connections (from 127.0.0.2) pipeline `/doc/…`
 * requests, 200 at a time and again whenever the server takes them, and
 * never read a byte. Meanwhile a normal client (127.0.0.1) is answered 200;
 * the process stays alive, its memory bounded, and it comes back down once
 * those connections close. (Answered one at a time per connection, a
 * connection that reads nothing holds one answer; it held all 200.)
 */
import { connect, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arabicText, cliIndex, cliServe, prng, type CliIndex } from './corpus.js';
import { requireBuilt, type ServeChild } from './helpers.js';

const CONNECTIONS = 80;
const PIPELINED = 200;
const ATTACK_MS = 12_000;
const MB = 1024 * 1024;
const rand = prng(1801);
const enc = encodeURIComponent;

let idx: CliIndex;
let srv: ServeChild;

function rss(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]) * 1024;
}

beforeAll(async () => {
  requireBuilt();
  idx = await cliIndex(Array.from({ length: 30 }, (_, i) => ({ id: `كبيرة-${i}`, title: arabicText(60, rand), text: arabicText(200_000, rand) })));
  // As the README recommends: a capped heap and the default rate limit (an empty variable is unset).
  srv = await cliServe(idx.index, { NODE_OPTIONS: '--max-old-space-size=256', FAHRAS_RATE_LIMIT: '' });
}, 120_000);

afterAll(async () => {
  await srv?.stop();
  idx?.cleanup();
});

describe('connections that pipeline requests and never read', () => {
  it('leave the process alive, its memory bounded and coming back down, and a normal client served', async () => {
    const pid = srv.proc.pid!;
    const docPath = (i: number) => `/doc/${enc(`كبيرة-${i % 30}`)}`;
    // Warm: every page once, so the baseline is a serving process.
    for (let i = 0; i < 30; i++) expect((await fetch(srv.url + docPath(i))).status).toBe(200);
    const baseline = rss(pid);

    const batch = Array.from({ length: PIPELINED }, (_, i) => `GET ${docPath(i)} HTTP/1.1\r\nHost: x\r\n\r\n`).join('');
    const sockets: Socket[] = [];
    const timers: NodeJS.Timeout[] = [];
    for (let c = 0; c < CONNECTIONS; c++) {
      const s = connect({ port: Number(new URL(srv.url).port), host: '127.0.0.1', localAddress: '127.0.0.2' });
      s.on('error', () => undefined);
      s.write(batch);
      s.pause();
      timers.push(setInterval(() => !s.destroyed && s.writableLength === 0 && s.write(batch), 100));
      sockets.push(s);
    }
    let peak = baseline;
    const statuses: number[] = [];
    const end = Date.now() + ATTACK_MS;
    while (Date.now() < end) {
      expect(srv.proc.exitCode, srv.stderr()).toBeNull();
      peak = Math.max(peak, rss(pid));
      for (const path of [`/api/search?q=${enc('النفط')}`, docPath(statuses.length)]) {
        const r = await fetch(srv.url + path, { signal: AbortSignal.timeout(20_000) });
        await r.arrayBuffer();
        statuses.push(r.status);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    for (const t of timers) clearInterval(t);
    for (const s of sockets) s.destroy();
    expect(srv.proc.exitCode, srv.stderr()).toBeNull();
    expect(statuses.length).toBeGreaterThan(10);
    expect(statuses.every((s) => s === 200), statuses.join(' ')).toBe(true);
    expect(peak - baseline, `RSS ${(baseline / MB).toFixed(0)} → peak ${(peak / MB).toFixed(0)} MB`).toBeLessThan(300 * MB);

    // Back down once they are gone.
    let after = rss(pid);
    for (let i = 0; i < 40 && after - baseline > 100 * MB; i++) {
      await new Promise((r) => setTimeout(r, 250));
      after = rss(pid);
    }
    expect(after - baseline, `RSS ${(baseline / MB).toFixed(0)} → peak ${(peak / MB).toFixed(0)} → after ${(after / MB).toFixed(0)} MB`).toBeLessThan(100 * MB);
    expect((await fetch(`${srv.url}/health`)).status).toBe(200);
  }, 120_000);
});

/**
 * The real command: `node dist/cli/main.js serve` in a child process (npm test
 * builds dist/ first). SIGTERM/SIGINT finish the request in flight, then exit 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureIndex, ROOT, waitFor, type TempIndex } from '../helpers/server.js';

const MAIN = join(ROOT, 'dist', 'cli', 'main.js');
let idx: TempIndex;

beforeAll(async () => {
  if (!existsSync(MAIN)) throw new Error('dist/ is missing: run `npm run build` (npm test does)');
  idx = await buildFixtureIndex();
});
afterAll(() => idx?.cleanup());

interface Child {
  proc: ChildProcess;
  url: string;
  port: number;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: () => string;
}

async function serve(): Promise<Child> {
  const proc = spawn(process.execPath, [MAIN, 'serve', '--port', '0', '--index', idx.index], {
    cwd: ROOT,
    env: { ...process.env, FAHRAS_LOG_LEVEL: 'silent', FAHRAS_RATE_LIMIT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  proc.stderr!.on('data', (c) => (err += c));
  proc.stdout!.resume();
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => proc.on('exit', (code, signal) => r({ code, signal })));
  const url = await waitFor(() => /on (http:\/\/[^\s/]+)\//.exec(err)?.[1], 15_000);
  return { proc, url, port: Number(new URL(url).port), exit, stderr: () => err };
}

describe('fahras serve', () => {
  it('serves, and on SIGTERM finishes the request in flight and exits 0', async () => {
    const c = await serve();
    expect(c.stderr()).toMatch(new RegExp(`serving ${idx.documents} documents`));
    expect((await fetch(`${c.url}/ready`)).status).toBe(200);

    // A request in flight: headers sent, body still coming.
    const sock = connect(c.port, '127.0.0.1');
    await new Promise<void>((r) => sock.once('connect', () => r()));
    let response = '';
    sock.on('data', (d) => (response += d));
    const closed = new Promise<void>((r) => sock.once('close', () => r()));
    const body = '{"q":"النفط"}';
    sock.write(`POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`);
    sock.write(body.slice(0, 3));
    // Let the server see the headers before the signal.
    await new Promise((r) => setTimeout(r, 100));
    c.proc.kill('SIGTERM');

    // New connections are refused once the server stops listening.
    await waitFor(
      () =>
        new Promise<boolean>((resolve) => {
          const s = connect(c.port, '127.0.0.1');
          s.once('connect', () => {
            s.destroy();
            resolve(false);
          });
          s.once('error', () => resolve(true));
        }),
      5_000,
    );
    expect(c.proc.exitCode).toBeNull(); // still finishing the request in flight

    sock.write(body.slice(3));
    await closed;
    expect(response).toMatch(/^HTTP\/1\.1 404/); // no POST route: an answer, not a dropped connection
    expect(response).toContain('"not_found"');
    expect(await c.exit).toEqual({ code: 0, signal: null });
  });

  it('exits 0 on SIGINT', async () => {
    const c = await serve();
    expect((await fetch(`${c.url}/health`)).status).toBe(200);
    c.proc.kill('SIGINT');
    expect(await c.exit).toEqual({ code: 0, signal: null });
  });

  it('fails with a one-line message when the index cannot be opened', async () => {
    const proc = spawn(process.execPath, [MAIN, 'serve', '--port', '0', '--index', join(idx.dir, 'missing')], { cwd: ROOT, env: { ...process.env, FAHRAS_LOG_LEVEL: 'silent' } });
    let err = '';
    proc.stderr.on('data', (c) => (err += c));
    const code = await new Promise<number | null>((r) => proc.on('exit', (c) => r(c)));
    expect(code).toBe(1);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toMatch(/^fahras: no index at .*missing/);
  });
});

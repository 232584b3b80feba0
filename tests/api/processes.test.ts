/**
 * `fahras serve --processes N`: the real command in a child process (npm test
 * builds dist/ first), N serving processes on one port. Searches are answered
 * by any of them, connections spread evenly among them; one that is killed is
 * replaced while the others answer; a
 * write to the local index is seen by the next search whichever process
 * answers it; SIGTERM stops them all; a service that cannot start says so once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureIndex, ROOT, waitFor, type TempIndex } from '../helpers/server.js';

const MAIN = join(ROOT, 'dist', 'cli', 'main.js');
const TOKEN = 'processes-test-token-0123456789abcdef';
let idx: TempIndex;
const started: ChildProcess[] = [];

beforeAll(async () => {
  if (!existsSync(MAIN)) throw new Error('dist/ is missing: run `npm run build` (npm test does)');
  idx = await buildFixtureIndex();
});
afterEach(() => {
  for (const p of started.splice(0)) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
});
afterAll(() => idx?.cleanup());

interface Service {
  proc: ChildProcess;
  url: string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: () => string;
  stdout: () => string;
}

function run(args: string[], env: Record<string, string> = {}): Omit<Service, 'url'> {
  const proc = spawn(process.execPath, [MAIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, FAHRAS_LOG_LEVEL: 'warn', FAHRAS_RATE_LIMIT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(proc);
  let err = '';
  let out = '';
  proc.stderr!.on('data', (c) => (err += c));
  proc.stdout!.on('data', (c) => (out += c));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => proc.on('exit', (code, signal) => r({ code, signal })));
  return { proc, exit, stderr: () => err, stdout: () => out };
}

async function serve(index: string, processes: number, env: Record<string, string> = {}): Promise<Service> {
  const s = run(['serve', '--port', '0', '--index', index, '--processes', String(processes)], env);
  const url = await waitFor(() => /on (http:\/\/[^\s/]+)\//.exec(s.stderr())?.[1], 30_000);
  return { ...s, url };
}

/** The serving processes: the primary's children. */
function children(pid: number): number[] {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
}

/** Processes whose command line names `text`. */
function processesGivenThat(text: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(text);
      } catch {
        return false; // ended meanwhile
      }
    })
    .map(Number);
}

/** A search on a connection of its own (the connections are shared among the processes). */
async function total(url: string, q: string): Promise<number> {
  const r = await fetch(`${url}/api/search?q=${encodeURIComponent(q)}&limit=1`, { headers: { Connection: 'close' } });
  expect(r.status).toBe(200);
  return ((await r.json()) as { total: number }).total;
}

/** A keep-alive connection to `url` that has had one answer to GET /health. */
async function heldConnection(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => {
    let got = '';
    socket.once('error', reject);
    socket.on('data', (c: Buffer) => {
      got += c.toString('latin1');
      if (got.startsWith('HTTP/1.1 200') && got.includes('\r\n\r\n')) resolve();
    });
    socket.write(`GET /health HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`);
  });
  return socket;
}

describe('fahras serve --processes', () => {
  it('spreads connections evenly: of 20 held open, a killed process takes exactly its 10 with it', async () => {
    const s = await serve(idx.index, 2);
    // Opened all at once: accepted from a shared socket, a burst lands mostly on one process.
    const sockets = await Promise.all(Array.from({ length: 20 }, () => heldConnection(s.url)));
    const closed = new Set<Socket>();
    for (const socket of sockets) socket.on('close', () => closed.add(socket)).on('error', () => undefined);

    process.kill(children(s.proc.pid!)[0], 'SIGKILL');
    await waitFor(() => closed.size >= 10 || undefined, 10_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(closed.size).toBe(10);
    // New connections are answered at once by the process left and by the one started in place of the killed one.
    for (let i = 0; i < 6; i++) expect(await total(s.url, 'النفط')).toBeGreaterThan(0);
    for (const socket of sockets) socket.destroy();
  }, 60_000);

  it('answers from two processes; one killed is replaced while the other answers; SIGTERM stops all', async () => {
    const s = await serve(idx.index, 2);
    expect(s.stderr()).toContain(`serving ${idx.documents} documents`);
    expect(s.stderr()).toContain('with 2 processes');
    const before = children(s.proc.pid!);
    expect(before).toHaveLength(2);

    const expected = await total(s.url, 'النفط');
    expect(expected).toBeGreaterThan(0);
    const answers = await Promise.all(Array.from({ length: 20 }, () => total(s.url, 'النفط')));
    expect(answers).toEqual(Array(20).fill(expected));

    process.kill(before[0], 'SIGKILL');
    // The other process answers meanwhile.
    for (let i = 0; i < 10; i++) expect(await total(s.url, 'النفط')).toBe(expected);
    const after = await waitFor(() => {
      const now = children(s.proc.pid!);
      return now.length === 2 && !now.includes(before[0]) ? now : undefined;
    }, 20_000);
    expect(after).toContain(before[1]);
    await waitFor(() => s.stdout().includes('a serving process ended; starting another'), 5_000);
    const again = await Promise.all(Array.from({ length: 20 }, () => total(s.url, 'النفط')));
    expect(again).toEqual(Array(20).fill(expected));

    s.proc.kill('SIGTERM');
    expect(await s.exit).toEqual({ code: 0, signal: null });
    for (const pid of after) expect(existsSync(`/proc/${pid}`)).toBe(false);
  }, 90_000);

  it('a write is seen by the next search whichever process answers it', async () => {
    const s = await serve(idx.index, 2, { FAHRAS_ADMIN_TOKEN: TOKEN });
    const put = (id: string, title: string, text: string) =>
      fetch(`${s.url}/api/documents/${id}`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', Connection: 'close' },
        body: JSON.stringify({ title, text }),
      });
    const word = 'الزلزال';
    const start = await total(s.url, word);
    for (let k = 1; k <= 4; k++) {
      const r = await put(`quake-${k}`, `هزة أرضية رقم ${k}`, `ضرب الزلزال المنطقة الجبلية فجر اليوم وشعر به السكان في القرى المجاورة ${k}`);
      expect(r.status).toBe(201);
      const seen = await Promise.all(Array.from({ length: 8 }, () => total(s.url, word)));
      expect(seen).toEqual(Array(8).fill(start + k));
    }
    // Writes from many connections at once: each answered once every process sees it.
    const many = await Promise.all(Array.from({ length: 12 }, (_, k) => put(`aftershock-${k}`, `هزة ارتدادية ${k}`, `تبعت الزلزال هزة ارتدادية خفيفة رقم ${k}`)));
    expect(many.map((r) => r.status)).toEqual(Array(12).fill(201));
    expect(await Promise.all(Array.from({ length: 8 }, () => total(s.url, word)))).toEqual(Array(8).fill(start + 16));

    const del = await fetch(`${s.url}/api/documents/quake-1`, { method: 'DELETE', headers: { Authorization: `Bearer ${TOKEN}`, Connection: 'close' } });
    expect(del.status).toBe(200);
    expect(await Promise.all(Array.from({ length: 8 }, () => total(s.url, word)))).toEqual(Array(8).fill(start + 15));
    // A refused write is refused the same way: its problem, from the process that wrote nothing.
    const bad = await put('quake-bad', 'عنوان', '');
    expect(bad.status).toBe(400);
    s.proc.kill('SIGTERM');
    expect(await s.exit).toEqual({ code: 0, signal: null });

    // What was acknowledged is in the index a single process opens afterwards.
    const one = await serve(idx.index, 1);
    expect(await total(one.url, word)).toBe(start + 15);
    one.proc.kill('SIGTERM');
    await one.exit;
  }, 120_000);

  it('an index that cannot be opened: one line, exit 1, no process left', async () => {
    for (const env of [{}, { FAHRAS_ADMIN_TOKEN: TOKEN }] as Record<string, string>[]) {
      const s = run(['serve', '--port', '0', '--index', join(idx.dir, 'no-such-index'), '--processes', '3'], env);
      expect(await s.exit).toEqual({ code: 1, signal: null });
      const lines = s.stderr().trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^fahras: .*no-such-index/);
      expect(processesGivenThat('no-such-index')).toEqual([]);
    }
  }, 60_000);

  it('refuses a number of processes that is not one', async () => {
    const flag = run(['serve', '--index', idx.index, '--processes', '0']);
    expect((await flag.exit).code).toBe(2);
    expect(flag.stderr()).toContain('expected a whole number from 1 to 64');
    const variable = run(['serve', '--index', idx.index], { FAHRAS_PROCESSES: 'two' });
    expect((await variable.exit).code).toBe(2);
    expect(variable.stderr()).toContain('FAHRAS_PROCESSES must be a whole number of processes from 1 to 64, not "two"');
  });
});

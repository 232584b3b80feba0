/**
 * Spawning a compiled `fahras serve` of any tree (the working tree's dist/ or
 * a snapshot of an older commit) with its own environment and node options,
 * for benchmarks that compare two builds in one invocation.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, procStatus, sleep } from '../common.js';

export interface Served {
  port: number;
  pid: number;
  url: string;
  /** Whether the process is still running. */
  alive: () => boolean;
  /** How it ended, once it has. */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: () => string;
  rss: () => number;
  /** CPU seconds the process has used (user + system), from /proc. */
  cpu: () => number;
  stop: () => Promise<void>;
}

/** User + system CPU seconds of process `pid` (fields 14 and 15 of /proc/<pid>/stat, in clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** `node <dist>/cli/main.js serve` on a free port; resolves once /ready answers 200. */
export async function serveDist(dist: string, index: string, env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<Served> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, join(dist, 'cli', 'main.js'), 'serve', '--port', String(port), '--host', '127.0.0.1', '--index', index], {
    env: { ...process.env, FAHRAS_LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (c) => (err += c));
  let running = true;
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on('exit', (code, signal) => {
      running = false;
      r({ code, signal });
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (running) child.kill('SIGTERM');
    await Promise.race([exit, sleep(10_000)]);
    if (running) child.kill('SIGKILL');
    await exit;
  };
  for (const t0 = Date.now(); Date.now() - t0 < 120_000; await sleep(50)) {
    if (!running) throw new Error(`serve exited: ${err}`);
    try {
      const r = await fetch(`${url}/ready`);
      await r.arrayBuffer();
      if (r.status === 200) return { port, pid: child.pid!, url, alive: () => running, exit, stderr: () => err, rss: () => procStatus(child.pid!).rss, cpu: () => cpuSeconds(child.pid!), stop };
    } catch {
      // not listening yet
    }
  }
  await stop();
  throw new Error('serve did not become ready in 120 s');
}

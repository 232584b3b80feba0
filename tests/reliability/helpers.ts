/**
 * Helpers shared by the reliability suites: HTML safety checks with parse5,
 * raw HTTP requests (for what fetch refuses to send), running the built CLI
 * with a timeout, and assertions that nothing leaks a stack trace.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { parse, parseFragment } from 'parse5';
import { expect } from 'vitest';
import { ROOT, waitFor } from '../helpers/server.js';

/**
 * The CLI under test: dist/, or FAHRAS_TEST_CLI — e.g. a snapshot of an older
 * commit (bench/snapshot.ts) — to see the suites that run the CLI fail there.
 */
export const MAIN = process.env.FAHRAS_TEST_CLI ? resolve(process.env.FAHRAS_TEST_CLI) : join(ROOT, 'dist', 'cli', 'main.js');

/** SaudiNewsNet, shared beside the repository (never copied into it): suites that need real articles in numbers skip without it. */
export const CORPUS = resolve(ROOT, '../shared/data/corpora/saudinewsnet.jsonl.gz');
export const HAVE_CORPUS = existsSync(CORPUS);

/** Lines [from, to) of the gzipped corpus. */
export async function corpusLines(from: number, to: number): Promise<string[]> {
  const out: string[] = [];
  const stream = createReadStream(CORPUS).pipe(createGunzip());
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  let n = 0;
  for await (const line of rl) {
    if (n >= from) out.push(line);
    if (++n >= to) break;
  }
  rl.close();
  stream.destroy();
  return out;
}

export function requireBuilt(): void {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first (npm test does)`);
}

/** A line of a V8 stack trace, as printed by `err.stack`. */
export const STACK_LINE = /\n\s{4}at /;

export function expectNoStack(where: string, ...texts: string[]): void {
  for (const t of texts) {
    expect(t, `${where}: stack trace leaked`).not.toMatch(STACK_LINE);
    expect(t, `${where}: stack trace leaked`).not.toContain('    at ');
  }
}

interface P5Node {
  nodeName: string;
  tagName?: string;
  attrs?: { name: string; value: string }[];
  childNodes?: P5Node[];
  content?: P5Node;
  value?: string;
}

function* walk(node: P5Node): Generator<P5Node> {
  yield node;
  for (const c of node.childNodes ?? []) yield* walk(c);
  if (node.content) yield* walk(node.content);
}

/**
 * Highlighted HTML from the API (snippet, titleHighlighted, textHighlighted):
 * parsed as a fragment, the only elements are attribute-free <mark>s.
 */
export function expectOnlyMarks(html: string, where = 'html'): void {
  const frag = parseFragment(html) as unknown as P5Node;
  for (const n of walk(frag)) {
    if (!n.tagName) continue;
    expect(n.tagName, `${where}: unexpected <${n.tagName}> in ${JSON.stringify(html.slice(0, 200))}`).toBe('mark');
    expect(n.attrs ?? [], `${where}: attributes on <mark>`).toEqual([]);
  }
}

/** The text content of a fragment of HTML (entities decoded, tags dropped). */
export function fragmentText(html: string): string {
  let out = '';
  for (const n of walk(parseFragment(html) as unknown as P5Node)) if (n.nodeName === '#text') out += n.value ?? '';
  return out;
}

const PAGE_SCRIPTS = new Set(['/static/search-page.js', '/static/doc.js']);
const FORBIDDEN = new Set(['img', 'iframe', 'object', 'embed', 'svg', 'math', 'frame', 'frameset', 'base', 'video', 'audio', 'source']);

/**
 * A whole page from the server: the only scripts are the page's own modules
 * (no inline code), no element carries an event handler, no link or form goes
 * to a javascript: URL, and no active element came from data.
 */
export function expectSafePage(html: string, where = 'page'): void {
  const doc = parse(html) as unknown as P5Node;
  for (const n of walk(doc)) {
    if (!n.tagName) continue;
    const attrs = n.attrs ?? [];
    if (n.tagName === 'script') {
      const src = attrs.find((a) => a.name === 'src')?.value;
      expect(src && PAGE_SCRIPTS.has(src), `${where}: foreign <script> ${JSON.stringify(attrs)}`).toBe(true);
      expect((n.childNodes ?? []).length, `${where}: inline script`).toBe(0);
    }
    expect(FORBIDDEN.has(n.tagName), `${where}: <${n.tagName}> in the page`).toBe(false);
    for (const a of attrs) {
      expect(a.name.startsWith('on'), `${where}: event handler ${a.name}=${a.value}`).toBe(false);
      if (['href', 'src', 'action', 'formaction'].includes(a.name)) expect(a.value.trim().toLowerCase().startsWith('javascript:'), `${where}: ${a.name}=${a.value}`).toBe(false);
    }
  }
}

export interface RawResponse {
  status: number;
  head: string;
  body: string;
}

/** Sends bytes as they are over a fresh connection and reads until the server closes (or the timeout). */
export function rawRequest(port: number, request: Buffer | string, timeoutMs = 10_000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      if (!m) {
        reject(new Error(`not an HTTP answer: ${JSON.stringify(text.slice(0, 100))}`));
        return;
      }
      const split = text.indexOf('\r\n\r\n');
      resolve({ status: Number(m[1]), head: text.slice(0, split), body: split < 0 ? '' : Buffer.from(text.slice(split + 4), 'latin1').toString('utf8') });
    };
    sock.on('data', (c) => chunks.push(c));
    // The server may reset the connection after answering (e.g. a request too large to read whole).
    sock.on('error', () => sock.destroy());
    sock.on('close', finish);
    sock.write(request);
  });
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs `node dist/cli/main.js …args` to completion (killed after timeoutMs). */
export function fahras(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [MAIN, ...args],
      { cwd: opts.cwd ?? ROOT, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', FAHRAS_LOG_LEVEL: 'silent', ...opts.env }, timeout: opts.timeoutMs ?? 30_000, killSignal: 'SIGKILL', maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        const timedOut = Boolean(error && (error as { killed?: boolean }).killed);
        resolve({ code: child.exitCode, signal: child.signalCode, stdout, stderr, timedOut });
      },
    );
  });
}

/** The lines of stderr that are not per-record "skipped …" notices. */
export function errorLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('skipped '));
}

export interface ServeChild {
  proc: ChildProcess;
  url: string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop: () => Promise<void>;
}

/** Spawns `fahras <command> …args` (serve or start) and waits until it says where it listens. */
export async function spawnServer(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 30_000): Promise<ServeChild> {
  const proc = spawn(process.execPath, [MAIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, FAHRAS_LOG_LEVEL: 'silent', FAHRAS_RATE_LIMIT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  proc.stderr!.on('data', (c) => (err += c));
  proc.stdout!.resume();
  let exited = false;
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    proc.on('exit', (code, signal) => {
      exited = true;
      r({ code, signal });
    }),
  );
  const stop = async () => {
    if (!exited) proc.kill('SIGTERM');
    const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await exit;
    clearTimeout(t);
  };
  try {
    const url = await waitFor(() => {
      if (exited) throw new Error(`exited early: ${err}`);
      return /on (http:\/\/[^\s/]+)\//.exec(err)?.[1];
    }, timeoutMs);
    return { proc, url, stderr: () => err, exit, stop };
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}; stderr: ${err}`, { cause: e });
  }
}

/** mulberry32: a small seeded generator, so random choices repeat from run to run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

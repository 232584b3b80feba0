/**
 * Several serving processes on one port (`fahras serve --processes N`,
 * FAHRAS_PROCESSES=N). One Node process answers on one core; node:cluster
 * starts N whole servers, each with the index open, so searches use every
 * core the machine has.
 *
 * The first process (the primary) answers nothing itself. It listens on the
 * port and hands each connection it accepts to the serving process that holds
 * the fewest (balancer.ts), preferring those whose index is loaded; it starts
 * another serving process when one ends, and passes signals on (SIGTERM/SIGINT:
 * it stops accepting, every process finishes its requests, then all exit;
 * SIGHUP: every process loads the index again).
 *
 * Writes to a local index (FAHRAS_ADMIN_TOKEN set) still have one writer:
 * a serving process hands each write to the primary, which commits it with
 * its own LocalEngine (group commits, merges, the folder's lock) and then
 * tells every serving process to make the new generation live. The write is
 * answered only once all of them have, so the next search sees it whichever
 * process answers it. Writes to OpenSearch go to the cluster from each
 * process, as with one.
 *
 * Limits that count per client (FAHRAS_RATE_LIMIT, FAHRAS_CLIENT_CPU_MS) and
 * the result cache are each process's own.
 */
import cluster, { type Worker } from 'node:cluster';
import { createServer as createNetServer, type Socket } from 'node:net';
import { resolveServerSettings, type ServerOptions } from '../common/config.js';
import { asFahrasError, ERROR_KINDS, EXIT_USAGE, FahrasError, type ErrorKind } from '../common/errors.js';
import { PROCESS_RESTART_DELAY_MS, PROCESS_RESTART_MAX_DELAY_MS } from '../common/limits.js';
import type { WriteOp, WriteResult } from '../engine/engine.js';
import { LocalEngine } from '../engine/local.js';
import { FewestConnections } from './balancer.js';
import { createServer, engineFor, handleSignals, listen, onSignals, serviceLogger, servingLine, type RunningServer } from './serve.js';

/** What a serving process tells the primary. */
type FromServing =
  | { kind: 'accepting' }
  | { kind: 'taken'; id: number }
  | { kind: 'closed' }
  | { kind: 'ready'; line: string }
  | { kind: 'failed'; message: string; exitCode: number }
  | { kind: 'write'; id: number; batches: WriteOp[][] }
  | { kind: 'caught-up'; id: number };

/** What the primary tells a serving process. */
type ToServing =
  | { kind: 'connection'; id: number }
  | { kind: 'written'; id: number; result: WriteResult }
  | { kind: 'write-failed'; id: number; message: string; errorKind: ErrorKind }
  | { kind: 'catch-up'; id: number };

/** The settings a serving process starts with (its flags, as the primary was given them). */
const OPTIONS_VARIABLE = 'FAHRAS_SERVING_OPTIONS';

/** The serving process's program: compiled, or from the TypeScript sources through tsx (the tests). */
function servingEntry(): { exec: string; execArgv: string[] } {
  const source = import.meta.url.endsWith('.ts');
  const entry = new URL(`./serving-process.${source ? 'ts' : 'js'}`, import.meta.url);
  return { exec: entry.pathname, execArgv: source ? ['--import', 'tsx'] : [] };
}

/**
 * The primary: starts `processes` serving processes and resolves once all
 * answer; rejects with the first one's reason when one cannot start (the
 * others are stopped). Then keeps them running until SIGTERM or SIGINT.
 */
export async function startProcesses(opts: ServerOptions): Promise<void> {
  const settings = resolveServerSettings(opts);
  const count = settings.processes;
  const logger = serviceLogger(settings.logLevel);
  // The one writer of a local index: loaded before any serving process starts, so a bad index is one message.
  const writer = settings.engine === 'local' && settings.adminToken !== undefined ? (engineFor(settings, logger) as LocalEngine) : undefined;
  await writer?.start();

  const entry = servingEntry();
  // Connections are accepted here and handed out below; the serving processes do not listen.
  cluster.setupPrimary({ exec: entry.exec, execArgv: entry.execArgv, serialization: 'advanced' });
  const balance = new FewestConnections<Worker>();
  /** Connections accepted while no serving process takes them (all starting): handed out once one does. */
  const waiting = new Set<Socket>();
  /** Connections sent to each serving process that it has not yet said it took, by number. */
  const sent = new Map<Worker, Map<number, Socket>>();
  let lastConnection = 0;
  const ready = new Set<Worker>();
  // This process keeps its copy of a connection until the serving process says it took it, then closes the
  // copy (the connection stays open in the serving process). A process that dies before taking a connection
  // leaves it here, and it is handed to another: no connection waits on a process that is gone.
  const handOut = (socket: Socket): void => {
    if (socket.destroyed) return;
    const w = balance.pick((p) => ready.has(p));
    if (!w) {
      waiting.add(socket);
      socket.once('close', () => waiting.delete(socket));
      return;
    }
    const id = ++lastConnection;
    balance.opened(w);
    sent.get(w)!.set(id, socket);
    w.send({ kind: 'connection', id } satisfies ToServing, socket, { keepOpen: true }, (err) => {
      if (!err || !sent.get(w)?.delete(id)) return;
      balance.closed(w);
      handOut(socket);
    });
  };
  const taken = (w: Worker, id: number): void => {
    sent.get(w)?.get(id)?.destroy();
    sent.get(w)?.delete(id);
  };
  const handOutWaiting = (): void => {
    for (const socket of waiting) {
      waiting.delete(socket);
      handOut(socket);
    }
  };
  const listener = createNetServer({ pauseOnConnect: true, noDelay: true }, handOut);
  let port: number;
  try {
    port = await listen(listener, settings.port, settings.host);
  } catch (e) {
    await writer?.close();
    throw e;
  }
  const env = { [OPTIONS_VARIABLE]: JSON.stringify({ ...opts, port }) };
  /** Catch-ups each process still owes, answered by it or by its end. */
  const owed = new Map<Worker, Map<number, () => void>>();
  let lastId = 0;
  let stopping = false;
  let restartDelay = PROCESS_RESTART_DELAY_MS;
  let started: { resolve: (line: string) => void; reject: (e: FahrasError) => void } | undefined;
  const allStarted = new Promise<string>((resolve, reject) => (started = { resolve, reject }));

  const send = (w: Worker, m: ToServing) => {
    if (w.isConnected()) w.send(m);
  };

  /** Every serving process makes the latest generation live; resolves once all have (or ended). */
  const catchUp = async (): Promise<void> => {
    await Promise.all(
      [...ready].map(
        (w) =>
          new Promise<void>((resolve) => {
            const id = ++lastId;
            owed.get(w)!.set(id, resolve);
            send(w, { kind: 'catch-up', id });
          }),
      ),
    );
  };

  const commit = async (from: Worker, id: number, batches: WriteOp[][]): Promise<void> => {
    try {
      if (!writer) throw new FahrasError('This service takes no writes.', 'internal');
      const result = await writer.write(batches);
      await catchUp();
      send(from, { kind: 'written', id, result });
    } catch (e) {
      const err = asFahrasError(e);
      send(from, { kind: 'write-failed', id, message: err.message, errorKind: err.kind });
    }
  };

  const fork = (): void => {
    const w = cluster.fork(env);
    owed.set(w, new Map());
    sent.set(w, new Map());
    w.on('message', (m: FromServing) => {
      if (m.kind === 'taken') taken(w, m.id);
      else if (m.kind === 'closed') balance.closed(w);
      else if (m.kind === 'accepting') {
        balance.join(w);
        handOutWaiting();
      } else if (m.kind === 'ready') {
        ready.add(w);
        restartDelay = PROCESS_RESTART_DELAY_MS;
        if (ready.size === count) started?.resolve(m.line);
      } else if (m.kind === 'failed') {
        if (started) started.reject(new FahrasError(m.message, m.exitCode === EXIT_USAGE ? 'usage' : 'bad_index'));
        else logger.error({ pid: w.process.pid, reason: m.message }, 'a serving process could not start');
      } else if (m.kind === 'write') void commit(w, m.id, m.batches);
      else if (m.kind === 'caught-up') {
        owed.get(w)?.get(m.id)?.();
        owed.get(w)?.delete(m.id);
      }
    });
    w.on('exit', (code, signal) => {
      balance.leave(w);
      const untaken = [...(sent.get(w)?.values() ?? [])];
      sent.delete(w);
      for (const socket of untaken) if (stopping) socket.destroy();
      else handOut(socket);
      const wasReady = ready.delete(w);
      for (const done of owed.get(w)?.values() ?? []) done();
      owed.delete(w);
      if (stopping) return;
      if (started) {
        started.reject(new FahrasError(`a serving process ended before it answered (${signal ?? `exit code ${code}`})`, 'internal'));
        return;
      }
      logger.warn({ pid: w.process.pid, code, signal, restartInMs: restartDelay }, 'a serving process ended; starting another');
      setTimeout(() => !stopping && fork(), restartDelay).unref();
      if (!wasReady) restartDelay = Math.min(restartDelay * 2, PROCESS_RESTART_MAX_DELAY_MS);
    });
  };

  const stopAll = async (signal: NodeJS.Signals): Promise<void> => {
    stopping = true;
    listener.close();
    for (const socket of waiting) socket.destroy();
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    const ended = workers.map((w) => new Promise<void>((r) => (w.isDead() ? r() : w.once('exit', () => r()))));
    for (const w of workers) w.process.kill(signal);
    const force = setTimeout(() => workers.forEach((w) => w.process.kill('SIGKILL')), settings.shutdownTimeoutMs + 5000);
    force.unref();
    await Promise.all(ended);
    clearTimeout(force);
    await writer?.close();
  };

  for (let i = 0; i < count; i++) fork();
  let line: string;
  try {
    line = await allStarted;
  } catch (e) {
    await stopAll('SIGTERM');
    throw e;
  } finally {
    started = undefined;
  }
  process.stderr.write(`${line}\n`);

  onSignals(logger, {
    stopping: 'shutting down: every serving process finishes its requests',
    stop: () => stopAll('SIGTERM'),
    reloading: 'SIGHUP: every serving process loads the index again',
    reload: () => {
      for (const w of ready) w.process.kill('SIGHUP');
      void writer?.reload();
    },
  });
}

/** A serving process: one whole server, started by the primary; writes to a local index go through the primary. */
export async function runServingProcess(): Promise<void> {
  const opts = JSON.parse(process.env[OPTIONS_VARIABLE] ?? '{}') as ServerOptions;
  const tell = (m: FromServing, then?: () => void) => (process.connected ? process.send!(m, undefined, {}, () => then?.()) : then?.());
  const waiting = new Map<number, { resolve: (r: WriteResult) => void; reject: (e: unknown) => void }>();
  let lastId = 0;
  let running: RunningServer;
  let processes: number;
  try {
    const settings = resolveServerSettings(opts);
    processes = settings.processes;
    const viaPrimary = settings.engine === 'local' && settings.adminToken !== undefined;
    const commitVia = viaPrimary
      ? (batches: readonly (readonly WriteOp[])[]) =>
          new Promise<WriteResult>((resolve, reject) => {
            if (!process.connected) return reject(new FahrasError('The server is shutting down; nothing was written.', 'unavailable'));
            const id = ++lastId;
            waiting.set(id, { resolve, reject });
            tell({ kind: 'write', id, batches: batches.map((b) => [...b]) });
          })
      : undefined;
    // Connections come from the primary, which listens on the port (the one it was given, or the one it got for 0).
    const handed = {
      port: settings.port,
      connections: (take: (socket: Socket) => void) => {
        process.on('message', (m: ToServing, socket?: Socket) => {
          if (m.kind !== 'connection' || !socket) return;
          socket.once('close', () => tell({ kind: 'closed' }));
          take(socket);
          tell({ kind: 'taken', id: m.id });
        });
        tell({ kind: 'accepting' });
      },
    };
    running = await createServer(opts, { commitVia, handed });
  } catch (e) {
    const err = asFahrasError(e);
    tell({ kind: 'failed', message: err.message, exitCode: ERROR_KINDS[err.kind].exitCode }, () => process.exit(ERROR_KINDS[err.kind].exitCode));
    return;
  }
  const server = running;
  process.on('message', (m: ToServing) => {
    if (m.kind === 'connection') return;
    if (m.kind === 'catch-up') {
      const caughtUp = server.engine instanceof LocalEngine ? server.engine.catchUp() : Promise.resolve();
      void caughtUp.catch(() => undefined).then(() => tell({ kind: 'caught-up', id: m.id }));
      return;
    }
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.kind === 'written') w?.resolve(m.result);
    else w?.reject(new FahrasError(m.message, m.errorKind));
  });
  // The primary is gone (killed): nothing can be written; finish what is being answered and end.
  process.on('disconnect', () => {
    for (const w of waiting.values()) w.reject(new FahrasError('The server is shutting down; nothing was written.', 'unavailable'));
    waiting.clear();
    void server.close().then(() => process.exit(0));
  });
  handleSignals(server);
  tell({ kind: 'ready', line: servingLine(server, processes) });
}

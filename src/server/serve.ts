/**
 * Starting and stopping the HTTP service. `createServer` listens first (so
 * /health answers and /ready says 503 while the index loads), loads the index,
 * then watches the index folder for new generations. `startServer` is the CLI
 * entry: it adds SIGTERM/SIGINT (graceful shutdown) and SIGHUP (reload).
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo, Server as NetServer, Socket } from 'node:net';
import type { Express } from 'express';
import { pino, type Logger } from 'pino';
import { KEEP_ALIVE_TIMEOUT_MS, STALLED_CONNECTION_MS, TIMEOUT_CHECK_FRACTION, TIMEOUT_CHECK_MAX_MS, TIMEOUT_CHECK_MIN_MS } from '../common/limits.js';
import { resolveServerSettings, type ServerOptions, type ServerSettings } from '../common/config.js';
import { escapeControls, printableJson } from '../common/printable.js';
import { createApp } from './app.js';
import { answerInTurn } from './connections.js';
import { createEngine, describeEngine, type EngineSettings } from '../engine/create.js';
import type { SearchEngine } from '../engine/engine.js';
import { LocalEngine } from '../engine/local.js';
import type { IndexHolder } from '../engine/index-holder.js';

export { createApp } from './app.js';
export type { ServerOptions } from '../common/config.js';

export interface RunningServer {
  server: Server;
  app: Express;
  engine: SearchEngine;
  /** The local engine's index holder (undefined for a remote engine). */
  holder: IndexHolder | undefined;
  logger: Logger;
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  port: number;
  /** Stops accepting connections, lets in-flight requests finish, closes the index. */
  close(): Promise<void>;
}

/**
 * The HTTP server's timeouts. Node checks header and request timeouts on a
 * timer (every 30 s unless told), so a 10 s timeout could fire at 40 s: the
 * timer runs at a tenth of the shorter one.
 */
export function httpOptions(o: Pick<ServerSettings, 'headersTimeoutMs' | 'requestTimeoutMs'>) {
  const every = Math.min(o.headersTimeoutMs, o.requestTimeoutMs) * TIMEOUT_CHECK_FRACTION;
  return {
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    headersTimeout: o.headersTimeoutMs,
    requestTimeout: o.requestTimeoutMs,
    connectionsCheckingInterval: Math.round(Math.min(TIMEOUT_CHECK_MAX_MS, Math.max(TIMEOUT_CHECK_MIN_MS, every))),
  };
}

/**
 * Starts the service; resolves once it listens and the index is loaded.
 * Options left out come from the environment, then the defaults. Rejects on a
 * bad environment variable, and (after closing) when the index cannot be opened.
 */
/** The service's log: JSON lines on stdout. */
export function serviceLogger(level: ServerSettings['logLevel']): Logger {
  // Log lines are JSON, whose C1 controls pino writes as they are: escaped on the way out (logs land on terminals too).
  return pino({ level, base: { service: 'fahras' } }, { write: (line: string) => process.stdout.write(printableJson(line)) });
}

/** The engine a server's settings choose. */
export function engineFor(o: ServerSettings, logger: Logger, commitVia?: EngineSettings['commitVia']): SearchEngine {
  return createEngine({
    engine: o.engine,
    index: o.index,
    opensearch: o.opensearch,
    logger,
    reloadPollMs: o.reloadPollMs,
    watch: o.watch,
    closeDelayMs: o.closeDelayMs,
    mergeFactor: o.mergeFactor,
    writeLockWaitMs: o.writeLockWaitMs,
    commitVia,
  });
}

/** What a server is built with beyond its settings. */
export interface ServerParts {
  /** Local engine: writes committed by another process (one of several serving processes). */
  commitVia?: EngineSettings['commitVia'];
  /**
   * Connections accepted by another process (the first of several, which
   * listens on `port`) and handed to this server: it does not listen itself.
   * `connections` is called once the server can take them, with the function
   * that takes one.
   */
  handed?: { port: number; connections: (take: (socket: Socket) => void) => void };
}

/** `server` listening on `port` and `host`; resolves with the port it got, rejects when it cannot (the port taken, say). */
export function listen(server: NetServer, port: number, host: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Starts taking connections accepted elsewhere (ServerParts.handed); resolves
 * once every one taken has closed. Node starts tracking a server's connections
 * (for its header and request timeouts, closeIdleConnections and
 * closeAllConnections) when the server starts listening, and a server that is
 * handed its connections never listens, so it is told that it does.
 */
function takeHandedConnections(server: Server, handed: NonNullable<ServerParts['handed']>): { drained: () => Promise<void> } {
  const open = new Set<Socket>();
  let whenDrained: (() => void) | undefined;
  server.emit('listening');
  handed.connections((socket) => {
    if (whenDrained) {
      // Closing: a connection handed on the way is not taken.
      socket.destroy();
      return;
    }
    open.add(socket);
    socket.once('close', () => {
      open.delete(socket);
      if (open.size === 0) whenDrained?.();
    });
    server.emit('connection', socket);
    socket.resume();
  });
  return {
    drained: () =>
      new Promise<void>((resolve) => {
        whenDrained = resolve;
        if (open.size === 0) resolve();
      }),
  };
}

export async function createServer(opts: ServerOptions = {}, parts: ServerParts = {}): Promise<RunningServer> {
  const o = resolveServerSettings(opts);
  const logger = serviceLogger(o.logLevel);
  const engine = engineFor(o, logger, parts.commitVia);
  const app = createApp({ engine, options: o, logger });
  const server = createHttpServer(httpOptions(o), answerInTurn(app));
  // Nothing moving either way on a connection for this long (a client that stopped reading): it is closed.
  server.timeout = STALLED_CONNECTION_MS;

  const handed = parts.handed && takeHandedConnections(server, parts.handed);
  const port = parts.handed?.port ?? (await listen(server, o.port, o.host));
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      const force = setTimeout(() => server.closeAllConnections(), o.shutdownTimeoutMs);
      force.unref();
      // Keep-alive connections hold close() up once their request is answered: close them as they go idle.
      const idle = setInterval(() => server.closeIdleConnections(), 50);
      server.close(() => {
        // A handed connection is not counted by the server: its close comes first.
        void (handed?.drained() ?? Promise.resolve()).then(() => {
          clearTimeout(force);
          clearInterval(idle);
          void engine.close().then(resolve, resolve);
        });
      });
      server.closeIdleConnections();
    });
    return closing;
  };

  try {
    await engine.start();
  } catch (e) {
    await close();
    throw e;
  }
  const holder = engine instanceof LocalEngine ? engine.holder : undefined;
  return { server, app, engine, holder, logger, url: `http://${host}:${port}`, port, close };
}

/** The `fahras serve` entry point (one process; see processes.ts for several). */
export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  const running = await createServer(opts);
  process.stderr.write(`${servingLine(running)}\n`);
  handleSignals(running);
  return running;
}

/** The line `fahras serve` prints once it answers. */
export function servingLine(running: RunningServer, processes = 1): string {
  const status = running.engine.status();
  const on = processes > 1 ? ` with ${processes} processes` : '';
  return `fahras: serving ${status.ready ? status.documents : 0} documents from ${escapeControls(describeEngine(running.engine))} on ${running.url}/${on}`;
}

/** SIGTERM and SIGINT: a graceful shutdown, then exit 0; SIGHUP: the index loaded again. */
export function handleSignals(running: RunningServer): void {
  const { engine } = running;
  onSignals(running.logger, {
    stopping: 'shutting down: finishing in-flight requests',
    stop: () => running.close(),
    reloading: 'SIGHUP: reloading the index',
    reload: () => void engine.reload(),
  });
}

/** What a process does on SIGTERM/SIGINT (once: `stop`, then exit 0) and SIGHUP (`reload`), each logged. */
export function onSignals(logger: Logger, on: { stopping: string; stop: () => Promise<void>; reloading: string; reload: () => void }): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, on.stopping);
    void on.stop().then(() => {
      logger.info('stopped');
      logger.flush?.();
      process.exit(0);
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.on('SIGHUP', () => {
    logger.info(on.reloading);
    on.reload();
  });
}

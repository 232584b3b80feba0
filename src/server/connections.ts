/**
 * Back-pressure per connection. Node parses every request a client has
 * pipelined into one read and hands them all to the application at once;
 * their answers then wait in memory, in order, for the client to read the
 * first. A client that pipelines hundreds of requests and never reads would
 * make the server hold hundreds of answers per connection. Here requests of
 * a connection are answered one at a time (CONNECTION_MAX_IN_FLIGHT): the
 * next starts only once the answer before it has been handed to the operating
 * system, so a connection whose answers are not read holds at most one answer
 * in memory; requests read meanwhile wait, unanswered and small, and a
 * connection with more than CONNECTION_MAX_WAITING of them is closed.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { CONNECTION_MAX_IN_FLIGHT, CONNECTION_MAX_WAITING } from '../common/limits.js';

interface Connection {
  inFlight: number;
  waiting: [IncomingMessage, ServerResponse][];
}

export interface ConnectionLimits {
  maxInFlight: number;
  maxWaiting: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = { maxInFlight: CONNECTION_MAX_IN_FLIGHT, maxWaiting: CONNECTION_MAX_WAITING };

/** `handler`, answering the requests of each connection at most `maxInFlight` at a time. */
export function answerInTurn(handler: RequestListener, limits: ConnectionLimits = DEFAULT_CONNECTION_LIMITS): RequestListener {
  const connections = new WeakMap<Socket, Connection>();

  const start = (c: Connection): void => {
    while (c.inFlight < limits.maxInFlight && c.waiting.length) {
      const [req, res] = c.waiting.shift()!;
      if (req.socket.destroyed) continue;
      c.inFlight++;
      // 'close' follows 'finish' (the answer handed to the system) or an aborted connection.
      res.once('close', () => {
        c.inFlight--;
        start(c);
      });
      handler(req, res);
    }
  };

  return (req, res) => {
    const socket = req.socket;
    let c = connections.get(socket);
    if (!c) {
      const fresh: Connection = { inFlight: 0, waiting: [] };
      connections.set(socket, fresh);
      socket.once('close', () => (fresh.waiting.length = 0));
      c = fresh;
    }
    if (c.waiting.length >= limits.maxWaiting) {
      // A client that pipelines this far ahead without reading is not owed the answers.
      socket.destroy();
      return;
    }
    c.waiting.push([req, res]);
    start(c);
  };
}

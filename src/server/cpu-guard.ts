/**
 * The CPU one client can take. Searching runs on the one thread that also
 * answers everyone else, so a client sending many expensive requests would
 * otherwise make every other client wait behind them. Requests that search
 * (the API, the fragments, the pages) therefore take turns:
 *
 *  - one request works at a time, and between two the server reads what
 *    arrived meanwhile;
 *  - clients take turns: the next request is the oldest of the next client
 *    in the ring, so a client with fifty requests waiting delays another's
 *    one request by at most one of its own;
 *  - each client's working time is counted over a sliding window
 *    (CLIENT_CPU_WINDOW_MS); past its budget (FAHRAS_CLIENT_CPU_MS) its
 *    requests are answered 429 until enough of it has aged out;
 *  - a request that waited longer than FAHRAS_QUEUE_TIMEOUT_MS for its turn
 *    is answered 503 instead of being started late.
 *
 * A client is what the rate limiter counts by: the address (IPv6 by /56),
 * as `trust proxy` makes it.
 */
import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { FahrasError } from '../common/errors.js';
import { CLIENT_CPU_BUCKETS, CLIENT_CPU_WINDOW_MS, CLIENT_MAX_WAITING, MAX_WAITING } from '../common/limits.js';

/** Clients remembered before those with nothing to remember are forgotten. */
const PRUNE_AT = 4096;

export interface CpuGuardOptions {
  /** Milliseconds of work one client may take per window; 0 = no budget (turns still apply). */
  budgetMs: number;
  /** Longest wait for a turn, ms. */
  queueTimeoutMs: number;
  windowMs?: number;
  maxWaitingPerClient?: number;
  maxWaiting?: number;
  /** The clock, in ms (tests of the window pass their own). */
  now?: () => number;
}

interface Job {
  req: Request;
  res: Response;
  next: (err?: unknown) => void;
  queuedAt: number;
}

/** One client's time used, per bucket of the window, and its requests waiting. */
interface Client {
  key: string;
  used: Float64Array;
  /** The bucket number (time / bucket length) each slot of `used` belongs to. */
  bucketOf: Float64Array;
  waiting: Job[];
}

export interface CpuGuardStats {
  /** Requests waiting for their turn now. */
  waiting: number;
  /** Requests refused because their client was over its budget, and because they waited too long. */
  overBudget: number;
  timedOut: number;
}

/** The key a client is counted under (as the rate limiter counts). */
export function clientKey(req: Request): string {
  return ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? '');
}

export class CpuGuard {
  private readonly clients = new Map<string, Client>();
  /** Clients with requests waiting, in turn order. */
  private ring: Client[] = [];
  private turn = 0;
  private busy = false;
  private waitingCount = 0;
  private pruneAt = PRUNE_AT;
  private readonly bucketMs: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  readonly stats: CpuGuardStats = { waiting: 0, overBudget: 0, timedOut: 0 };

  constructor(private readonly options: CpuGuardOptions) {
    this.windowMs = options.windowMs ?? CLIENT_CPU_WINDOW_MS;
    this.bucketMs = this.windowMs / CLIENT_CPU_BUCKETS;
    this.now = options.now ?? (() => performance.now());
  }

  /** Milliseconds `key` used over the last window. */
  used(key: string): number {
    const c = this.clients.get(key);
    if (!c) return 0;
    const current = Math.floor(this.now() / this.bucketMs);
    let sum = 0;
    for (let i = 0; i < CLIENT_CPU_BUCKETS; i++) if (current - c.bucketOf[i] < CLIENT_CPU_BUCKETS) sum += c.used[i];
    return sum;
  }

  /** Seconds until enough of `key`'s time ages out of the window for it to be under its budget. */
  private retryAfter(c: Client): number {
    const current = Math.floor(this.now() / this.bucketMs);
    let over = this.used(c.key) - this.options.budgetMs;
    // Buckets age out oldest first.
    const ages = [...c.bucketOf.keys()].filter((i) => current - c.bucketOf[i] < CLIENT_CPU_BUCKETS).sort((a, b) => c.bucketOf[a] - c.bucketOf[b]);
    for (const i of ages) {
      over -= c.used[i];
      if (over < 0) return Math.max(1, Math.ceil(((c.bucketOf[i] + CLIENT_CPU_BUCKETS) * this.bucketMs - this.now()) / 1000));
    }
    return Math.ceil(this.windowMs / 1000);
  }

  /** Counts `ms` of work against `key`. */
  charge(key: string, ms: number): void {
    const c = this.client(key);
    const bucket = Math.floor(this.now() / this.bucketMs);
    const slot = bucket % CLIENT_CPU_BUCKETS;
    if (c.bucketOf[slot] !== bucket) {
      c.bucketOf[slot] = bucket;
      c.used[slot] = 0;
    }
    c.used[slot] += ms;
  }

  private client(key: string): Client {
    let c = this.clients.get(key);
    if (!c) {
      if (this.clients.size >= this.pruneAt) this.prune();
      c = { key, used: new Float64Array(CLIENT_CPU_BUCKETS), bucketOf: new Float64Array(CLIENT_CPU_BUCKETS).fill(-Infinity), waiting: [] };
      this.clients.set(key, c);
    }
    return c;
  }

  /** The middleware: waits for the request's turn, then lets it through and counts its time. */
  readonly middleware: RequestHandler = (req, res, next) => {
    const key = clientKey(req);
    const budget = this.options.budgetMs;
    const c = this.client(key);
    if (budget > 0 && this.used(key) >= budget) {
      this.stats.overBudget++;
      const wait = this.retryAfter(c);
      res.set('Retry-After', String(wait));
      next(new FahrasError(`This client has used its share of search time (${(budget / 1000).toFixed(1)} s a minute); try again in ${wait} s.`, 'rate_limited'));
      return;
    }
    if (c.waiting.length >= (this.options.maxWaitingPerClient ?? CLIENT_MAX_WAITING)) {
      next(new FahrasError('Too many requests from this client are waiting to be answered; wait for their answers first.', 'rate_limited'));
      return;
    }
    if (this.waitingCount >= (this.options.maxWaiting ?? MAX_WAITING)) {
      next(new FahrasError('The server is busy; try again in a moment.', 'busy'));
      return;
    }
    if (c.waiting.length === 0) this.ring.push(c);
    c.waiting.push({ req, res, next, queuedAt: this.now() });
    this.waitingCount++;
    this.stats.waiting = this.waitingCount;
    this.dispatch();
  };

  /** The next job: the oldest of the next client in the ring. */
  private take(): Job | undefined {
    if (this.ring.length === 0) return undefined;
    if (this.turn >= this.ring.length) this.turn = 0;
    const c = this.ring[this.turn];
    const job = c.waiting.shift()!;
    if (c.waiting.length === 0) this.ring.splice(this.turn, 1);
    else this.turn++;
    this.waitingCount--;
    this.stats.waiting = this.waitingCount;
    return job;
  }

  private dispatch(): void {
    if (this.busy) return;
    for (let job = this.take(); job; job = this.take()) {
      // A client that went away is not answered.
      if (job.req.socket.destroyed) continue;
      if (this.now() - job.queuedAt > this.options.queueTimeoutMs) {
        this.stats.timedOut++;
        job.next(new FahrasError('The server is busy; try again in a moment.', 'busy'));
        continue;
      }
      this.run(job);
      return;
    }
  }

  /**
   * Lets `job` through. Its work is what runs before the event loop comes
   * back to check its immediates: the route's synchronous part and the
   * promise continuations it chains (a local search is synchronous). By then
   * the loop has also read what arrived meanwhile (its poll phase comes
   * before the immediates), so the next job is chosen among them too.
   */
  private run(job: Job): void {
    this.busy = true;
    const key = clientKey(job.req);
    const t0 = this.now();
    try {
      job.next();
    } finally {
      setImmediate(() => {
        this.charge(key, this.now() - t0);
        this.busy = false;
        this.dispatch();
      });
    }
  }

  /** Drops what is known of clients with nothing waiting and no time left in the window. */
  prune(): void {
    for (const [key, c] of this.clients) if (c.waiting.length === 0 && this.used(key) === 0) this.clients.delete(key);
    // Many clients all still counting: grow rather than walk them all again for each new one.
    this.pruneAt = Math.max(PRUNE_AT, 2 * this.clients.size);
  }
}

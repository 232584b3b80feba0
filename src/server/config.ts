/** Server settings: explicit options win over environment variables, which win over defaults. */
import { z } from 'zod';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface ServerOptions {
  /** Index folder (holds CURRENT and the generations). */
  index: string;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** pino level; env FAHRAS_LOG_LEVEL, default 'info'. */
  logLevel?: LogLevel;
  /** Allowed CORS origins ('*' for any); undefined or empty = CORS off. Env FAHRAS_CORS_ORIGIN (comma-separated). */
  corsOrigin?: string[];
  /** Requests per minute per client IP on /api; 0 = off. Env FAHRAS_RATE_LIMIT, default 600. */
  rateLimit?: number;
  /** Express 'trust proxy' setting, so per-IP limits see the real client. Env FAHRAS_TRUST_PROXY. */
  trustProxy?: boolean | number | string;
  /** How often CURRENT is polled for a new generation, ms; 0 = no polling. Env FAHRAS_RELOAD_POLL_MS, default 1000. */
  reloadPollMs?: number;
  /** Watch the index folder with fs.watch (debounced). Default true. */
  watch?: boolean;
  /** How long a replaced index stays open for requests still using it, ms. Default 5000. */
  closeDelayMs?: number;
  /** Longest wait for in-flight requests on shutdown, ms. Default 10000. */
  shutdownTimeoutMs?: number;
  /** Search results kept per loaded index for repeated requests; 0 = off. Env FAHRAS_CACHE_SIZE, default 1000. */
  cacheSize?: number;
}

export interface ResolvedOptions {
  index: string;
  port: number;
  host: string;
  logLevel: LogLevel;
  corsOrigin: string[];
  rateLimit: number;
  trustProxy: boolean | number | string;
  reloadPollMs: number;
  watch: boolean;
  closeDelayMs: number;
  shutdownTimeoutMs: number;
  cacheSize: number;
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const envSchema = z.object({
  FAHRAS_LOG_LEVEL: z.enum(LEVELS, { error: `FAHRAS_LOG_LEVEL must be one of ${LEVELS.join(', ')}` }).optional(),
  FAHRAS_CORS_ORIGIN: z.string().optional(),
  FAHRAS_RATE_LIMIT: z.string().regex(/^\d+$/, 'FAHRAS_RATE_LIMIT must be a whole number of requests per minute (0 = off)').transform(Number).optional(),
  FAHRAS_TRUST_PROXY: z.string().optional(),
  FAHRAS_CACHE_SIZE: z.string().regex(/^\d+$/, 'FAHRAS_CACHE_SIZE must be a whole number of search results (0 = off)').transform(Number).optional(),
  FAHRAS_RELOAD_POLL_MS: z.string().regex(/^\d+$/, 'FAHRAS_RELOAD_POLL_MS must be a whole number of milliseconds (0 = off)').transform(Number).optional(),
});

function trustProxyFrom(v: string | undefined): boolean | number | string {
  if (v === undefined || v === '' || v === 'false') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  return v; // e.g. "loopback", "10.0.0.0/8"
}

/** Fills in defaults from the environment. Throws an Error with a plain message on a bad variable. */
export function resolveOptions(opts: ServerOptions, env: NodeJS.ProcessEnv = process.env): ResolvedOptions {
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('FAHRAS_') && v !== '')));
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join('; '));
  const e = parsed.data;
  const cors = opts.corsOrigin ?? (e.FAHRAS_CORS_ORIGIN ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return {
    index: opts.index,
    port: opts.port ?? 3000,
    host: opts.host ?? '127.0.0.1',
    logLevel: opts.logLevel ?? e.FAHRAS_LOG_LEVEL ?? 'info',
    corsOrigin: cors,
    rateLimit: opts.rateLimit ?? e.FAHRAS_RATE_LIMIT ?? 600,
    trustProxy: opts.trustProxy ?? trustProxyFrom(e.FAHRAS_TRUST_PROXY),
    reloadPollMs: opts.reloadPollMs ?? e.FAHRAS_RELOAD_POLL_MS ?? 1000,
    watch: opts.watch ?? true,
    closeDelayMs: opts.closeDelayMs ?? 5000,
    shutdownTimeoutMs: opts.shutdownTimeoutMs ?? 10_000,
    cacheSize: opts.cacheSize ?? e.FAHRAS_CACHE_SIZE ?? 1000,
  };
}

/**
 * Configuration of the service: explicit options (command-line flags, or the
 * options object of createServer) win over environment variables, which win
 * over defaults. Every variable is read here, through one zod schema; a bad
 * value stops the program with one line naming the variable and the value.
 */
import { z } from 'zod';
import { DEFAULT_SETTINGS, LOG_LEVELS, type ServerOptions, type ServerSettings } from './defaults.js';
import { FahrasError } from './errors.js';
import { ADMIN_TOKEN_MAX_LENGTH, ADMIN_TOKEN_MIN_LENGTH, CLIENT_CPU_WINDOW_MS, MAX_TIMEOUT_MS } from './limits.js';

export { DEFAULT_INDEX, DEFAULT_MERGE_FACTOR, DEFAULT_SETTINGS, LOG_LEVELS, type LogLevel, type ServerOptions, type ServerSettings } from './defaults.js';

/** A whole-number variable; `what` completes "must be a whole number …". */
function wholeNumber(name: string, what: string, max = Number.MAX_SAFE_INTEGER, min = 0) {
  const message = (input: unknown) => `${name} must be a whole number ${what}, not ${JSON.stringify(input)}`;
  return z
    .string()
    .regex(/^\d{1,16}$/, { error: (iss) => message(iss.input) })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { error: (iss) => message(String(iss.input)) });
}

/** A timeout in milliseconds, from 1 ms to MAX_TIMEOUT_MS. */
const timeout = (name: string) => wholeNumber(name, `of milliseconds from 1 to ${MAX_TIMEOUT_MS}`, MAX_TIMEOUT_MS, 1);

function trustProxyFrom(v: string): boolean | number | string {
  if (v === 'false') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  return v; // e.g. "loopback", "10.0.0.0/8"
}

/**
 * The admin token: long enough to be a secret, and sendable in a header
 * (visible ASCII, no spaces). Its value is never repeated in a message.
 */
const adminToken = z.string().regex(new RegExp(`^[\\x21-\\x7e]{${ADMIN_TOKEN_MIN_LENGTH},${ADMIN_TOKEN_MAX_LENGTH}}$`), {
  error: (iss) =>
    `FAHRAS_ADMIN_TOKEN must be ${ADMIN_TOKEN_MIN_LENGTH} to ${ADMIN_TOKEN_MAX_LENGTH} letters, digits or punctuation without spaces (it has ${String(iss.input).length} characters; its value is not shown); make one with \`openssl rand -hex 32\``,
});

/** FAHRAS_MERGE_FACTOR: 0 (merges only by `fahras compact`) or 2 segments and more. */
const mergeFactor = wholeNumber('FAHRAS_MERGE_FACTOR', 'of segments from 2 to 1000, or 0 (merge only by `fahras compact`)', 1000).refine((n) => n !== 1, {
  error: 'FAHRAS_MERGE_FACTOR must be a whole number of segments from 2 to 1000, or 0 (merge only by `fahras compact`), not "1"',
});

/** Every environment variable fahras reads, and what it becomes. */
const environment = z.object({
  PORT: wholeNumber('PORT', 'from 0 to 65535', 65_535).optional(),
  HOST: z.string().optional(),
  FAHRAS_INDEX: z.string().optional(),
  FAHRAS_LOG_LEVEL: z.enum(LOG_LEVELS, { error: (iss) => `FAHRAS_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not ${JSON.stringify(iss.input)}` }).optional(),
  FAHRAS_CORS_ORIGIN: z
    .string()
    .transform((s) => s.split(',').map((o) => o.trim()).filter(Boolean))
    .optional(),
  FAHRAS_RATE_LIMIT: wholeNumber('FAHRAS_RATE_LIMIT', 'of requests per minute (0 = off)').optional(),
  FAHRAS_TRUST_PROXY: z.string().transform(trustProxyFrom).optional(),
  FAHRAS_RELOAD_POLL_MS: wholeNumber('FAHRAS_RELOAD_POLL_MS', 'of milliseconds (0 = off)').optional(),
  FAHRAS_CACHE_SIZE: wholeNumber('FAHRAS_CACHE_SIZE', 'of search results (0 = off)').optional(),
  FAHRAS_ADMIN_TOKEN: adminToken.optional(),
  FAHRAS_MERGE_FACTOR: mergeFactor.optional(),
  FAHRAS_HEADERS_TIMEOUT_MS: timeout('FAHRAS_HEADERS_TIMEOUT_MS').optional(),
  FAHRAS_REQUEST_TIMEOUT_MS: timeout('FAHRAS_REQUEST_TIMEOUT_MS').optional(),
  FAHRAS_CLIENT_CPU_MS: wholeNumber('FAHRAS_CLIENT_CPU_MS', `of milliseconds per minute from 0 (off) to ${CLIENT_CPU_WINDOW_MS}`, CLIENT_CPU_WINDOW_MS).optional(),
  FAHRAS_QUEUE_TIMEOUT_MS: timeout('FAHRAS_QUEUE_TIMEOUT_MS').optional(),
});

export type Environment = z.output<typeof environment>;

/** The variables fahras reads from `env`, validated; an empty variable counts as unset. Throws a `usage` FahrasError. */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  const given = Object.fromEntries(Object.keys(environment.shape).flatMap((k) => (env[k] ? [[k, env[k]]] : [])));
  const parsed = environment.safeParse(given);
  if (!parsed.success) throw new FahrasError(parsed.error.issues.map((i) => i.message).join('; '), 'usage');
  return parsed.data;
}

/** The settings of a server: `options` first, then the environment, then the defaults. Throws a `usage` FahrasError on a bad variable. */
export function resolveServerSettings(options: ServerOptions = {}, env: NodeJS.ProcessEnv = process.env): ServerSettings {
  const e = readEnvironment(env);
  const fromEnv: ServerOptions = {
    index: e.FAHRAS_INDEX,
    port: e.PORT,
    host: e.HOST,
    logLevel: e.FAHRAS_LOG_LEVEL,
    corsOrigin: e.FAHRAS_CORS_ORIGIN,
    rateLimit: e.FAHRAS_RATE_LIMIT,
    trustProxy: e.FAHRAS_TRUST_PROXY,
    reloadPollMs: e.FAHRAS_RELOAD_POLL_MS,
    cacheSize: e.FAHRAS_CACHE_SIZE,
    adminToken: e.FAHRAS_ADMIN_TOKEN,
    mergeFactor: e.FAHRAS_MERGE_FACTOR,
    headersTimeoutMs: e.FAHRAS_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: e.FAHRAS_REQUEST_TIMEOUT_MS,
    clientCpuMs: e.FAHRAS_CLIENT_CPU_MS,
    queueTimeoutMs: e.FAHRAS_QUEUE_TIMEOUT_MS,
  };
  const settings = { ...DEFAULT_SETTINGS };
  for (const layer of [fromEnv, options]) {
    for (const [k, v] of Object.entries(layer)) if (v !== undefined) (settings as Record<string, unknown>)[k] = v;
  }
  // The HTTP server refuses a header timeout longer than the whole request's.
  if (settings.headersTimeoutMs > settings.requestTimeoutMs) {
    throw new FahrasError(`FAHRAS_HEADERS_TIMEOUT_MS (${settings.headersTimeoutMs}) must not be longer than FAHRAS_REQUEST_TIMEOUT_MS (${settings.requestTimeoutMs})`, 'usage');
  }
  return settings;
}

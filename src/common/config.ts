/**
 * Configuration of the service: explicit options (command-line flags, or the
 * options object of createServer) win over environment variables, which win
 * over defaults. Every variable is read here, through one zod schema; a bad
 * value stops the program with one line naming the variable and the value.
 */
import { existsSync, statSync } from 'node:fs';
import { z } from 'zod';
import {
  DEFAULT_OPENSEARCH_CHECK_MS,
  DEFAULT_OPENSEARCH_INDEX,
  DEFAULT_SETTINGS,
  ENGINE_KINDS,
  LOG_LEVELS,
  type EngineKind,
  type EngineOptions,
  type OpenSearchSettings,
  type ServerOptions,
  type ServerSettings,
} from './defaults.js';
import { FahrasError } from './errors.js';
import { ADMIN_TOKEN_MAX_LENGTH, ADMIN_TOKEN_MIN_LENGTH, CLIENT_CPU_WINDOW_MS, MAX_SERVING_PROCESSES, MAX_TIMEOUT_MS } from './limits.js';

export * from './defaults.js';

/** A whole-number variable; `what` completes "must be a whole number …". */
function wholeNumber(name: string, what: string, max = Number.MAX_SAFE_INTEGER, min = 0) {
  const message = (input: unknown) => `${name} must be a whole number ${what}, not ${JSON.stringify(input)}`;
  return z
    .string()
    .regex(/^\d{1,16}$/, { error: (iss) => message(iss.input) })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { error: (iss) => message(String(iss.input)) });
}

/** A URL as it may be shown: without user and password. */
function shownUrl(raw: string): string {
  return raw.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1…@');
}

/** Why `raw` cannot be a node URL, or undefined; the message never repeats credentials. */
function nodeUrlProblem(raw: string): string | undefined {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return `must be http:// or https:// URLs separated by commas, not ${JSON.stringify(shownUrl(raw))}`;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return `must be http:// or https:// URLs separated by commas, not ${JSON.stringify(shownUrl(raw))}`;
  if (u.username || u.password) return 'must not hold credentials (user:password@): set FAHRAS_OPENSEARCH_USERNAME and FAHRAS_OPENSEARCH_PASSWORD, or FAHRAS_OPENSEARCH_API_KEY';
  if (u.search || u.hash) return `must not have a query or a fragment, not ${JSON.stringify(raw)}`;
  return undefined;
}

/** Comma-separated node URLs, each checked, kept without a trailing slash. */
function nodeUrls(name: string) {
  return z.string().transform((s, ctx) => {
    const urls: string[] = [];
    for (const raw of s.split(',').map((x) => x.trim()).filter(Boolean)) {
      const problem = nodeUrlProblem(raw);
      if (problem) {
        ctx.addIssue({ code: 'custom', message: `${name} ${problem}` });
        return z.NEVER;
      }
      const u = new URL(raw);
      urls.push(`${u.origin}${u.pathname.replace(/\/+$/, '')}`);
    }
    if (urls.length === 0) {
      ctx.addIssue({ code: 'custom', message: `${name} must name at least one node URL` });
      return z.NEVER;
    }
    return urls;
  });
}

/**
 * An alias name the cluster accepts and fahras can name physical indices
 * after (it appends a build stamp): lowercase ASCII letters, digits, - _ .
 */
function aliasName(name: string) {
  return z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, {
    error: (iss) => `${name} must be 1 to 100 lowercase letters, digits, "-", "_" or "." (not first), not ${JSON.stringify(iss.input)}`,
  });
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

/** FAHRAS_PROCESSES and --processes: serving processes, 1 to MAX_SERVING_PROCESSES. */
export function processCount(name: string) {
  return wholeNumber(name, `of processes from 1 to ${MAX_SERVING_PROCESSES}`, MAX_SERVING_PROCESSES, 1);
}

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
  FAHRAS_ENGINE: z.enum(ENGINE_KINDS, { error: (iss) => `FAHRAS_ENGINE must be one of ${ENGINE_KINDS.join(', ')}, not ${JSON.stringify(iss.input)}` }).optional(),
  FAHRAS_OPENSEARCH_URL: nodeUrls('FAHRAS_OPENSEARCH_URL').optional(),
  FAHRAS_OPENSEARCH_INDEX: aliasName('FAHRAS_OPENSEARCH_INDEX').optional(),
  FAHRAS_OPENSEARCH_USERNAME: z.string().optional(),
  FAHRAS_OPENSEARCH_PASSWORD: z.string().optional(),
  FAHRAS_OPENSEARCH_API_KEY: z.string().optional(),
  FAHRAS_OPENSEARCH_CA: z.string().optional(),
  FAHRAS_OPENSEARCH_CHECK_MS: wholeNumber('FAHRAS_OPENSEARCH_CHECK_MS', 'of milliseconds from 100 to 600000', 600_000)
    .refine((n) => n >= 100, { error: (iss) => `FAHRAS_OPENSEARCH_CHECK_MS must be a whole number of milliseconds from 100 to 600000, not ${JSON.stringify(String(iss.input))}` })
    .optional(),
  FAHRAS_ADMIN_TOKEN: adminToken.optional(),
  FAHRAS_MERGE_FACTOR: mergeFactor.optional(),
  FAHRAS_HEADERS_TIMEOUT_MS: timeout('FAHRAS_HEADERS_TIMEOUT_MS').optional(),
  FAHRAS_REQUEST_TIMEOUT_MS: timeout('FAHRAS_REQUEST_TIMEOUT_MS').optional(),
  FAHRAS_CLIENT_CPU_MS: wholeNumber('FAHRAS_CLIENT_CPU_MS', `of milliseconds per minute from 0 (off) to ${CLIENT_CPU_WINDOW_MS}`, CLIENT_CPU_WINDOW_MS).optional(),
  FAHRAS_QUEUE_TIMEOUT_MS: timeout('FAHRAS_QUEUE_TIMEOUT_MS').optional(),
  FAHRAS_PROCESSES: processCount('FAHRAS_PROCESSES').optional(),
});

export type Environment = z.output<typeof environment>;

/** The variables fahras reads from `env`, validated; an empty variable counts as unset. Throws a `usage` FahrasError. */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  const given = Object.fromEntries(Object.keys(environment.shape).flatMap((k) => (env[k] ? [[k, env[k]]] : [])));
  const parsed = environment.safeParse(given);
  if (!parsed.success) throw new FahrasError(parsed.error.issues.map((i) => i.message).join('; '), 'usage');
  return parsed.data;
}

function usage(message: string): FahrasError {
  return new FahrasError(message, 'usage');
}

/** The engine flags of `fahras index|search|serve|start` as given on the command line, checked like their variables. */
export function parseEngineFlags(flags: { engine?: EngineKind; opensearchUrl?: string; opensearchIndex?: string }): EngineOptions {
  const check = <T>(schema: z.ZodType<T>, value: string | undefined): T | undefined => {
    if (value === undefined) return undefined;
    const r = schema.safeParse(value);
    if (!r.success) throw usage(r.error.issues.map((i) => i.message).join('; '));
    return r.data;
  };
  const opensearch: Partial<OpenSearchSettings> = {};
  const urls = check(nodeUrls('--opensearch-url'), flags.opensearchUrl);
  const index = check(aliasName('--opensearch-index'), flags.opensearchIndex);
  if (urls) opensearch.urls = urls;
  if (index) opensearch.index = index;
  return { engine: flags.engine, opensearch };
}

/**
 * The engine and, for OpenSearch, its cluster: `options` first, then the
 * environment, then the defaults. Throws a `usage` FahrasError naming what is
 * missing or wrong; messages never repeat a password or key.
 */
export function resolveEngineSettings(options: EngineOptions = {}, env: NodeJS.ProcessEnv = process.env): { engine: EngineKind; opensearch?: OpenSearchSettings } {
  const e = readEnvironment(env);
  const engine = options.engine ?? e.FAHRAS_ENGINE ?? DEFAULT_SETTINGS.engine;
  if (engine === 'local') return { engine };
  const o = options.opensearch ?? {};
  const urls = o.urls ?? e.FAHRAS_OPENSEARCH_URL;
  if (!urls?.length) throw usage('the opensearch engine needs the address of the cluster: --opensearch-url URL[,URL…] or FAHRAS_OPENSEARCH_URL');
  const username = o.username ?? e.FAHRAS_OPENSEARCH_USERNAME;
  const password = o.password ?? e.FAHRAS_OPENSEARCH_PASSWORD;
  const apiKey = o.apiKey ?? e.FAHRAS_OPENSEARCH_API_KEY;
  if ((username === undefined) !== (password === undefined)) throw usage('FAHRAS_OPENSEARCH_USERNAME and FAHRAS_OPENSEARCH_PASSWORD go together: set both, or neither');
  if (apiKey !== undefined && username !== undefined) throw usage('set FAHRAS_OPENSEARCH_API_KEY or FAHRAS_OPENSEARCH_USERNAME and FAHRAS_OPENSEARCH_PASSWORD, not both');
  const ca = o.ca ?? e.FAHRAS_OPENSEARCH_CA;
  if (ca !== undefined && !(existsSync(ca) && statSync(ca).isFile())) throw usage(`FAHRAS_OPENSEARCH_CA must be a readable PEM file, and ${JSON.stringify(ca)} is not a file`);
  if (ca !== undefined && urls.some((u) => u.startsWith('http:'))) throw usage('FAHRAS_OPENSEARCH_CA is for https:// nodes, and some FAHRAS_OPENSEARCH_URL are http://');
  return {
    engine,
    opensearch: {
      urls,
      index: o.index ?? e.FAHRAS_OPENSEARCH_INDEX ?? DEFAULT_OPENSEARCH_INDEX,
      username,
      password,
      apiKey,
      ca,
      checkMs: o.checkMs ?? e.FAHRAS_OPENSEARCH_CHECK_MS ?? DEFAULT_OPENSEARCH_CHECK_MS,
    },
  };
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
    processes: e.FAHRAS_PROCESSES,
  };
  const settings: ServerSettings = { ...DEFAULT_SETTINGS };
  const { engine: _engine, opensearch: _opensearch, ...rest } = options;
  for (const layer of [fromEnv, rest]) {
    for (const [k, v] of Object.entries(layer)) if (v !== undefined) (settings as unknown as Record<string, unknown>)[k] = v;
  }
  const chosen = resolveEngineSettings({ engine: options.engine, opensearch: options.opensearch }, env);
  settings.engine = chosen.engine;
  if (chosen.opensearch) settings.opensearch = chosen.opensearch;
  // The HTTP server refuses a header timeout longer than the whole request's.
  if (settings.headersTimeoutMs > settings.requestTimeoutMs) {
    throw new FahrasError(`FAHRAS_HEADERS_TIMEOUT_MS (${settings.headersTimeoutMs}) must not be longer than FAHRAS_REQUEST_TIMEOUT_MS (${settings.requestTimeoutMs})`, 'usage');
  }
  return settings;
}

/**
 * The settings of the service and their defaults. Kept apart from config.ts,
 * which validates the environment, so that every command can read a default
 * without loading the validation library (zod alone takes a tenth of a second
 * or more to load).
 */
import { WRITE_LOCK_WAIT_MS } from './limits.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** What answers searches: the local index folder, or an OpenSearch cluster. */
export const ENGINE_KINDS = ['local', 'opensearch'] as const;
export type EngineKind = (typeof ENGINE_KINDS)[number];

/** Where the OpenSearch engine finds its cluster and index, and how it signs in. */
export interface OpenSearchSettings {
  /** Node URLs (http or https); requests go to any of them, and move on when one fails. Env FAHRAS_OPENSEARCH_URL (comma-separated). */
  urls: string[];
  /** The alias searches and writes go through; builds create physical indices named after it. Env FAHRAS_OPENSEARCH_INDEX. */
  index: string;
  /** Basic authentication. Env FAHRAS_OPENSEARCH_USERNAME, FAHRAS_OPENSEARCH_PASSWORD. */
  username?: string;
  password?: string;
  /** API key authentication (base64 `id:key`, as the cluster issues it). Env FAHRAS_OPENSEARCH_API_KEY. */
  apiKey?: string;
  /** A PEM file of the certificate authority that signed the cluster's TLS certificates. Env FAHRAS_OPENSEARCH_CA. */
  ca?: string;
  /** How often the cluster's health and the alias are checked, ms. Env FAHRAS_OPENSEARCH_CHECK_MS. */
  checkMs: number;
}

export const DEFAULT_OPENSEARCH_INDEX = 'fahras';
export const DEFAULT_OPENSEARCH_CHECK_MS = 1000;

export interface ServerSettings {
  /** Index folder (holds CURRENT and the generations). Env FAHRAS_INDEX. */
  index: string;
  /** 0 picks a free port. Env PORT. */
  port: number;
  /** Env HOST. */
  host: string;
  /** pino level. Env FAHRAS_LOG_LEVEL. */
  logLevel: LogLevel;
  /** Allowed CORS origins ('*' for any); empty = CORS off. Env FAHRAS_CORS_ORIGIN (comma-separated). */
  corsOrigin: string[];
  /** Requests per minute per client IP on /api; 0 = off. Env FAHRAS_RATE_LIMIT. */
  rateLimit: number;
  /** Express 'trust proxy' setting, so per-IP limits see the real client. Env FAHRAS_TRUST_PROXY. */
  trustProxy: boolean | number | string;
  /** How often CURRENT is polled for a new generation, ms; 0 = no polling. Env FAHRAS_RELOAD_POLL_MS. */
  reloadPollMs: number;
  /** Watch the index folder with fs.watch (debounced). */
  watch: boolean;
  /** How long a replaced index stays open for requests still using it, ms. */
  closeDelayMs: number;
  /** Longest wait for in-flight requests on shutdown, ms. */
  shutdownTimeoutMs: number;
  /** Search results kept per loaded index for repeated requests; 0 = off. Env FAHRAS_CACHE_SIZE. */
  cacheSize: number;
  /** What answers: the local index folder (`index`) or an OpenSearch cluster (`opensearch`). Env FAHRAS_ENGINE. */
  engine: EngineKind;
  /** The cluster, with `engine: 'opensearch'`. */
  opensearch?: OpenSearchSettings;
  /** The bearer token of the write routes (PUT/DELETE /api/documents/:id, POST /api/documents); unset = no write routes. Env FAHRAS_ADMIN_TOKEN. */
  adminToken: string | undefined;
  /** Adjacent segments of one size class merged after writes once there are this many; 0 = only `fahras compact` merges. Env FAHRAS_MERGE_FACTOR. */
  mergeFactor: number;
  /** How long a write waits for another process writing the index before it is refused (503), ms. */
  writeLockWaitMs: number;
  /** Longest wait for a request's headers, ms. Env FAHRAS_HEADERS_TIMEOUT_MS. */
  headersTimeoutMs: number;
  /** Longest wait for a whole request (headers and body), ms; at least headersTimeoutMs. Env FAHRAS_REQUEST_TIMEOUT_MS. */
  requestTimeoutMs: number;
  /** Milliseconds of search work one client may take per minute; 0 = no budget. Env FAHRAS_CLIENT_CPU_MS. */
  clientCpuMs: number;
  /** Longest wait of a request for its turn to search, ms, before it is answered 503. Env FAHRAS_QUEUE_TIMEOUT_MS. */
  queueTimeoutMs: number;
  /** Processes answering requests on the one port, each with the index open (see src/server/processes.ts). Env FAHRAS_PROCESSES. */
  processes: number;
}

/** Options given explicitly; anything left out comes from the environment or the defaults. */
export type ServerOptions = Partial<Omit<ServerSettings, 'opensearch'>> & EngineOptions;

/** The engine chosen explicitly (flags, or the options of createServer); what is left out comes from the environment. */
export interface EngineOptions {
  engine?: EngineKind;
  opensearch?: Partial<OpenSearchSettings>;
}

export const DEFAULT_INDEX = 'index-data';
/** FAHRAS_MERGE_FACTOR unless set: ten segments of one size class become one. */
export const DEFAULT_MERGE_FACTOR = 10;

export const DEFAULT_SETTINGS: Readonly<ServerSettings> = {
  index: DEFAULT_INDEX,
  port: 3000,
  host: '127.0.0.1',
  logLevel: 'info',
  corsOrigin: [],
  rateLimit: 600,
  trustProxy: false,
  reloadPollMs: 1000,
  watch: true,
  closeDelayMs: 5000,
  shutdownTimeoutMs: 10_000,
  cacheSize: 1000,
  engine: 'local',
  adminToken: undefined,
  mergeFactor: DEFAULT_MERGE_FACTOR,
  writeLockWaitMs: WRITE_LOCK_WAIT_MS,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  clientCpuMs: 10_000,
  queueTimeoutMs: 10_000,
  processes: 1,
};

/**
 * The connection to a cluster: the official client over every configured
 * node (a request that fails on one node is sent to the next), signed in with
 * basic authentication or an API key, trusting a given CA for TLS. Failures
 * become FahrasErrors with messages fahras writes itself: the client's own
 * errors carry the request's headers (the credentials), so they are never
 * passed on, logged or kept as a cause.
 */
import { readFileSync } from 'node:fs';
import { Client, errors, type ClientOptions } from '@opensearch-project/opensearch';
import type { OpenSearchSettings } from '../../common/defaults.js';
import { FahrasError, type ErrorKind } from '../../common/errors.js';
import { OPENSEARCH_REQUEST_TIMEOUT_MS } from '../../common/limits.js';

export interface ConnectOptions {
  /** Per request, ms. */
  requestTimeoutMs?: number;
  /** Other nodes tried after a connection failure (default: one per other node, at least 2). */
  maxRetries?: number;
}

/** A client of the cluster `s` describes. */
export function connect(s: OpenSearchSettings, o: ConnectOptions = {}): Client {
  const options: ClientOptions = {
    nodes: s.urls,
    requestTimeout: o.requestTimeoutMs ?? OPENSEARCH_REQUEST_TIMEOUT_MS,
    maxRetries: o.maxRetries ?? Math.max(2, s.urls.length),
    // A dead node is tried again (pinged) after a while; until then requests go to the others.
    resurrectStrategy: 'ping',
  };
  if (s.username !== undefined && s.password !== undefined) options.auth = { username: s.username, password: s.password };
  if (s.apiKey !== undefined) options.headers = { authorization: `ApiKey ${s.apiKey}` };
  if (s.ca !== undefined) {
    let ca: Buffer;
    try {
      ca = readFileSync(s.ca);
    } catch (e) {
      throw new FahrasError(`cannot read FAHRAS_OPENSEARCH_CA ${s.ca} (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`, 'io');
    }
    options.ssl = { ca, rejectUnauthorized: true };
  }
  return new Client(options);
}

/** The cluster's nodes as they may be shown (the settings never hold credentials in URLs). */
export function describeNodes(s: OpenSearchSettings): string {
  return s.urls.join(', ');
}

/** The body of an error answer: `{ error: { type, reason } }`, or a bare string. */
function responseReason(e: errors.ResponseError): { type?: string; reason?: string } {
  const body = e.meta?.body as { error?: { type?: string; reason?: string; root_cause?: { type?: string; reason?: string }[] } | string } | undefined;
  const err = body?.error;
  if (typeof err === 'string') return { reason: err };
  const root = err?.root_cause?.[0];
  return { type: root?.type ?? err?.type, reason: root?.reason ?? err?.reason };
}

/** Whether a failure is the cluster being unreachable or overloaded (worth trying again), not an answer about the request. */
export function isTransient(e: unknown): boolean {
  if (e instanceof errors.ConnectionError || e instanceof errors.TimeoutError || e instanceof errors.NoLivingConnectionsError) return true;
  if (e instanceof errors.ResponseError) {
    const status = e.meta?.statusCode ?? 0;
    return status === 429 || status >= 500;
  }
  return false;
}

/** The HTTP status of an error answer of the cluster, else undefined. */
export function statusOf(e: unknown): number | undefined {
  return e instanceof errors.ResponseError ? (e.meta?.statusCode ?? undefined) : undefined;
}

/** The cluster's `error.type` of an error answer (e.g. index_not_found_exception), else undefined. */
export function errorTypeOf(e: unknown): string | undefined {
  return e instanceof errors.ResponseError ? responseReason(e).type : undefined;
}

/** What went wrong, in a few words fit for a message: never a header, a URL's credentials or a stack. */
export function describeFailure(e: unknown): string {
  if (e instanceof errors.TimeoutError) return 'it did not answer in time';
  if (e instanceof errors.NoLivingConnectionsError) return 'no node answers';
  if (e instanceof errors.ConnectionError) {
    const m = e.message ?? '';
    const code = /\b(E[A-Z]{3,}|self[- ]signed certificate[\w ]*|unable to verify[\w ]*|certificate has expired|Hostname\/IP does not match[\w ' ]*)/i.exec(m)?.[1];
    const tls = /certificate|verify/i.test(m) ? '; set FAHRAS_OPENSEARCH_CA to the PEM file of the authority that signed it' : '';
    return `cannot connect (${code ?? 'connection failed'}${tls})`;
  }
  if (e instanceof errors.ResponseError) {
    const status = e.meta?.statusCode;
    if (status === 401) return 'it refused the credentials (401): check FAHRAS_OPENSEARCH_USERNAME and _PASSWORD, or _API_KEY';
    if (status === 403) return 'it denied access (403): the user needs read and write rights on the index and its alias';
    const { type, reason } = responseReason(e);
    return `it answered ${status ?? 'an error'}${type ? ` ${type}` : ''}${reason ? `: ${reason.slice(0, 300)}` : ''}`;
  }
  if (e instanceof FahrasError) return e.message;
  return 'an unexpected failure';
}

/** A FahrasError for a failed request: `unavailable` (503) when the cluster cannot answer now, else `kind`. */
export function clusterError(what: string, e: unknown, kind: ErrorKind = 'internal'): FahrasError {
  if (e instanceof FahrasError) return e;
  return new FahrasError(`${what}: ${describeFailure(e)}`, isTransient(e) ? 'unavailable' : kind);
}

/** The one error shape every failure takes: `{ "error": { "code", "message" } }`. */

export type ErrorCode = 'invalid_parameter' | 'bad_request' | 'not_found' | 'not_ready' | 'rate_limited' | 'payload_too_large' | 'internal';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

export function errorBody(code: ErrorCode, message: string): ErrorBody {
  return { error: { code, message } };
}

/**
 * Maps anything thrown to a client-safe HttpError: our own errors pass through,
 * client errors raised by Express or its parsers keep their 4xx status with a
 * generic message, everything else is a 500 without details.
 */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  const e = err as { status?: unknown; statusCode?: unknown; type?: unknown } | null;
  const status = typeof e?.status === 'number' ? e.status : typeof e?.statusCode === 'number' ? e.statusCode : 500;
  if (e?.type === 'entity.too.large' || status === 413) return new HttpError(413, 'payload_too_large', 'The request body is too large.');
  if (e?.type === 'entity.parse.failed') return new HttpError(400, 'bad_request', 'The request body is not valid JSON.');
  if (err instanceof URIError) return new HttpError(400, 'bad_request', 'The address contains malformed percent-encoding.');
  if (err instanceof Error && err.name === 'QueryError') return new HttpError(400, 'invalid_parameter', err.message);
  if (status === 404) return new HttpError(404, 'not_found', 'Nothing here.');
  if (status >= 400 && status < 500) return new HttpError(status, 'bad_request', 'The request is not valid.');
  return new HttpError(500, 'internal', 'Something went wrong on our side; please try again.');
}

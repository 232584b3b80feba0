/**
 * The HTTP side of errors: the one body shape every failure takes,
 * `{ "error": { "code", "message" } }`, the status, code and message of
 * anything thrown while answering a request, and the handlers that answer
 * unknown routes and failures (a page for browsers, JSON for the rest).
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { ERROR_KINDS, FahrasError, type ApiErrorCode } from '../common/errors.js';
import { sendHtml, wantsHtml } from './html-response.js';
import { errorPage, notFoundPage, unavailablePage } from './view/notices.js';

export interface ErrorBody {
  error: { code: ApiErrorCode; message: string };
}

export function errorBody(code: ApiErrorCode, message: string): ErrorBody {
  return { error: { code, message } };
}

/** What a client is told about a failure. */
export interface HttpFailure {
  status: number;
  code: ApiErrorCode;
  message: string;
}

const GENERIC = 'Something went wrong on our side; please try again.';

/** Errors raised by Express and its body parser: a status and, for the parser, a type. */
function fromExpress(err: unknown): FahrasError | HttpFailure | undefined {
  const e = err as { status?: unknown; statusCode?: unknown; type?: unknown } | null;
  const status = typeof e?.status === 'number' ? e.status : typeof e?.statusCode === 'number' ? e.statusCode : 500;
  if (e?.type === 'entity.too.large' || status === 413) return new FahrasError('The request body is too large.', 'too_large');
  if (e?.type === 'entity.parse.failed') return new FahrasError('The request body is not valid JSON.', 'usage');
  if (err instanceof URIError) return new FahrasError('The address contains malformed percent-encoding.', 'usage');
  if (status === 404) return new FahrasError('Nothing here.', 'not_found');
  // Other client errors (an unsupported body encoding…) keep their status.
  if (status >= 400 && status < 500) return { status, code: 'bad_request', message: 'The request is not valid.' };
  return undefined;
}

/**
 * Anything thrown, as a client may see it: a FahrasError by its kind (with a
 * generic message for server-side kinds, whose messages name files), client
 * errors raised by Express with their 4xx status, everything else a 500.
 */
export function httpFailureOf(err: unknown): HttpFailure {
  const e = err instanceof FahrasError ? err : fromExpress(err);
  if (e === undefined) return { status: 500, code: 'internal', message: GENERIC };
  if (!(e instanceof FahrasError)) return e;
  const k = ERROR_KINDS[e.kind];
  return { status: k.status, code: k.code, message: k.shown ? e.message : GENERIC };
}

/** The last route: nothing else answered. */
export const notFound: RequestHandler = (req, res) => {
  if (wantsHtml(req)) return sendHtml(res, 404, notFoundPage('الصفحة المطلوبة غير موجودة.'));
  res.status(404).json(errorBody('not_found', `There is no ${req.method} ${req.path}.`));
};

/** Answers anything thrown by a route or middleware; server-side failures are logged. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    const e = httpFailureOf(err);
    if (e.status >= 500) (req.log ?? logger).error({ err }, 'request failed');
    if (res.headersSent) {
      next(err);
      return;
    }
    if (wantsHtml(req)) return sendHtml(res, e.status, e.status === 503 ? unavailablePage() : errorPage(e.status, e.message));
    res.status(e.status).json(errorBody(e.code, e.message));
  };
}

/**
 * What runs before the routes: query-string parsing, refusing malformed
 * addresses, the security headers, request logging, and the guards of what
 * scripts fetch — the JSON API and the page's fragments (CORS, rate limit,
 * no caching).
 */
import cors from 'cors';
import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { ServerSettings } from '../common/config.js';
import { FahrasError } from '../common/errors.js';
import { MAX_QUERY_PARAMETERS, RATE_LIMIT_WINDOW_MS } from '../common/limits.js';

function decodeComponent(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/**
 * Query strings become flat objects of strings; a key given twice becomes an
 * array (refused by validation). No nesting, no prototype keys.
 */
export function parseQueryString(qs: string | null | undefined): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  let n = 0;
  for (const pair of (qs ?? '').split('&')) {
    if (!pair) continue;
    if (++n > MAX_QUERY_PARAMETERS) break;
    const eq = pair.indexOf('=');
    const key = decodeComponent(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decodeComponent(pair.slice(eq + 1));
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

/** A `usage` error (400) for a path or query string that is not valid percent-encoded UTF-8. */
export const rejectMalformedUrl: RequestHandler = (req, _res, next) => {
  const url = req.originalUrl ?? req.url;
  const qi = url.indexOf('?');
  const path = qi < 0 ? url : url.slice(0, qi);
  try {
    decodeURIComponent(path);
    if (qi >= 0) for (const part of url.slice(qi + 1).split(/[&=]/)) decodeURIComponent(part);
  } catch {
    next(new FahrasError('The address contains malformed percent-encoding.', 'usage'));
    return;
  }
  next();
};

/** Helmet with a strict Content-Security-Policy: same-origin files only, nothing inline. */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'"],
        'img-src': ["'self'", 'data:'],
        'font-src': ["'self'"],
        'connect-src': ["'self'"],
        'object-src': ["'none'"],
        'frame-ancestors': ["'none'"],
        'base-uri': ["'none'"],
        'form-action': ["'self'"],
      },
    },
    referrerPolicy: { policy: 'same-origin' },
  });
}

/** One JSON log line per request; failures at warn (4xx) and error (5xx). */
export function requestLogger(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    serializers: {
      req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({ id: req.id, method: req.method, url: req.url, remoteAddress: req.remoteAddress }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
}

/** The guards of what scripts fetch: `api` for the JSON API, `fragments` for the page's own script (same origin: no CORS). */
export interface ScriptGuards {
  api: RequestHandler[];
  fragments: RequestHandler[];
}

/** CORS when configured, the per-IP rate limit (one budget for the API and the fragments), no caching. */
export function scriptGuards(options: Pick<ServerSettings, 'corsOrigin' | 'rateLimit'>): ScriptGuards {
  const cross: RequestHandler[] = [];
  if (options.corsOrigin.length) {
    cross.push(cors({ origin: options.corsOrigin.includes('*') ? '*' : options.corsOrigin, methods: ['GET', 'HEAD', 'OPTIONS'], maxAge: 600 }));
  }
  const limit: RequestHandler[] = [];
  if (options.rateLimit > 0) {
    limit.push(
      rateLimit({
        windowMs: RATE_LIMIT_WINDOW_MS,
        limit: options.rateLimit,
        standardHeaders: 'draft-7',
        legacyHeaders: false,
        validate: { trustProxy: false, xForwardedForHeader: false },
        handler: (_req, _res, next) => next(new FahrasError(`Too many requests; at most ${options.rateLimit} a minute. Try again shortly.`, 'rate_limited')),
      }),
    );
  }
  const noStore: RequestHandler = (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  };
  return { api: [...cross, ...limit, noStore], fragments: [...limit, noStore] };
}

/**
 * The Express application: JSON API under /api, health probes, the search page
 * and document view (server-rendered, enhanced by public/app.js), static files
 * and fonts, and one error shape for everything that goes wrong.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import compression from 'compression';
import cors from 'cors';
import express, { type ErrorRequestHandler, type Express, type Request, type RequestHandler, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { Searcher } from '../search/searcher.js';
import type { SearchOptions, SearchResult } from '../search/types.js';
import type { ServerSettings } from '../common/config.js';
import { FahrasError } from '../common/errors.js';
import { apiHighlightedDocument, apiSearchResult } from './api-json.js';
import { errorBody, httpFailureOf } from './errors.js';
import { documentPage, notFoundPage, searchPage, unavailablePage, layout } from './html.js';
import { escapeHtml } from './view/marked.js';
import type { IndexHolder } from './index-holder.js';
import { openApiDocument } from './openapi.js';
import { SearchCache, type CachedSearch } from './result-cache.js';
import { check, documentParams, documentPath, pageParams, searchParams, suggestParams, validate } from './validation.js';
import { MAX_BODY_BYTES, MAX_QUERY_PARAMETERS, PAGE_SIZE, RATE_LIMIT_WINDOW_MS } from '../common/limits.js';

/** The package root: two levels above this file, in src/server/ and in dist/server/ alike. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const PUBLIC_DIR = join(PACKAGE_ROOT, 'src', 'server', 'public');
export const FONTS_DIR = join(dirname(createRequire(import.meta.url).resolve('@fontsource/noto-naskh-arabic/package.json')), 'files');

const VERSION = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

export interface AppContext {
  holder: IndexHolder;
  options: Pick<ServerSettings, 'corsOrigin' | 'rateLimit' | 'trustProxy'> & { cacheSize?: number };
  logger: Logger;
}


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
  for (const pair of (qs ?? "").split("&")) {
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

/** 400 for a path or query string that is not valid percent-encoded UTF-8. */
const rejectMalformedUrl: RequestHandler = (req, _res, next) => {
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

function wantsHtml(req: Request): boolean {
  if (req.path.startsWith('/api/') || req.path === '/api') return false;
  return req.accepts(['json', 'html']) === 'html';
}

function notReady(): FahrasError {
  return new FahrasError('The index is still loading; try again in a moment.', 'unavailable');
}

export function createApp(ctx: AppContext): Express {
  const { holder, options, logger } = ctx;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', parseQueryString);
  app.set('trust proxy', options.trustProxy);
  app.set('json spaces', 0);
  // Answers are dynamic and sent no-store/no-cache: hashing each body for an ETag buys nothing.
  app.set('etag', false);

  const searcher = (): Searcher => {
    const s = holder.searcher;
    if (!s) throw notReady();
    return s;
  };

  const cache = new SearchCache(options.cacheSize ?? 0);
  const search = (s: Searcher, q: string, opts: SearchOptions): { entry: CachedSearch; hit: boolean } =>
    cache.lookup(s, q, [q, opts.limit, opts.offset, opts.mode, opts.filters?.source, opts.filters?.from, opts.filters?.to], (): SearchResult => s.search(q, opts));

  // With logging off, the per-request logger is not set up at all.
  if (logger.level !== 'silent') {
    app.use(
      pinoHttp({
      logger,
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      serializers: {
        req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({ id: req.id, method: req.method, url: req.url, remoteAddress: req.remoteAddress }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        },
      }),
    );
  }
  app.use(
    helmet({
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
    }),
  );
  // After helmet, so this 400 carries the security headers too.
  app.use(rejectMalformedUrl);
  app.use(compression());
  app.use(express.json({ limit: MAX_BODY_BYTES }));

  // ---- API ----
  const api: RequestHandler[] = [];
  if (options.corsOrigin.length) {
    api.push(cors({ origin: options.corsOrigin.includes('*') ? '*' : options.corsOrigin, methods: ['GET', 'HEAD', 'OPTIONS'], maxAge: 600 }));
  }
  if (options.rateLimit > 0) {
    api.push(
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
  api.push((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  app.use('/api', ...api);

  app.get('/api/search', (req, res) => {
    const p = validate(searchParams, req.query);
    const t0 = performance.now();
    const { entry, hit } = search(searcher(), p.q, { limit: p.limit, offset: p.offset, mode: p.mode, filters: { source: p.source, from: p.from, to: p.to } });
    entry.jsonTail ??= Buffer.from(JSON.stringify({ query: p, ...apiSearchResult(entry.result), took_ms: undefined }).slice(1));
    const took = hit ? Math.round((performance.now() - t0) * 1000) / 1000 : entry.result.took_ms;
    res.type('json').send(Buffer.concat([Buffer.from(`{"took_ms":${took},`), entry.jsonTail]));
  });

  app.get('/api/suggest', (req, res) => {
    const p = validate(suggestParams, req.query);
    res.json({ q: p.q, suggestions: searcher().suggest(p.q, p.limit) });
  });

  app.get('/api/documents/:id', (req, res) => {
    const { id } = validate(documentPath, req.params);
    const { q } = validate(documentParams, req.query);
    const s = searcher();
    if (!q) {
      const doc = s.getDocument(id);
      if (!doc) throw new FahrasError(`No document has the id "${id}".`, 'not_found');
      res.json(doc);
      return;
    }
    const d = s.highlightDocument(id, q);
    if (!d) throw new FahrasError(`No document has the id "${id}".`, 'not_found');
    res.json(apiHighlightedDocument(d));
  });

  app.get('/api/stats', (_req, res) => {
    const live = holder.current;
    if (!live) throw notReady();
    res.json({ ...live.searcher.stats(), generation: live.generation, loadedAt: live.loadedAt.toISOString(), reloads: holder.reloads, cache: cache.stats() });
  });

  const openapi = openApiDocument(VERSION);
  app.get('/api/openapi.json', (_req, res) => {
    res.set('Cache-Control', 'no-cache');
    res.json(openapi);
  });

  // ---- probes ----
  app.get('/health', (_req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({ status: 'ok' });
  });

  app.get('/ready', (_req, res) => {
    res.set('Cache-Control', 'no-store');
    const s = holder.searcher;
    if (!s) throw notReady();
    res.json({ status: 'ready', documents: s.size });
  });

  // ---- pages ----
  const sendHtml = (res: Response, status: number, html: string) => {
    res.status(status).type('html').set('Cache-Control', 'no-cache').send(html);
  };

  app.get('/', (req, res) => {
    const s = holder.searcher;
    if (!s) return sendHtml(res, 503, unavailablePage());
    const p = check(pageParams, req.query);
    if (!p.ok) {
      const raw = typeof req.query.q === 'string' ? req.query.q : undefined;
      return sendHtml(res, 400, searchPage({ state: { q: raw, page: 1, mode: 'any' }, error: p.message, stats: s.stats() }));
    }
    const state = p.value;
    const result = state.q
      ? search(s, state.q, { limit: PAGE_SIZE, offset: (state.page - 1) * PAGE_SIZE, mode: state.mode, filters: { source: state.source, from: state.from, to: state.to } }).entry.result
      : undefined;
    sendHtml(res, 200, searchPage({ state, result, stats: s.stats() }));
  });

  app.get('/doc/:id', (req, res) => {
    const s = holder.searcher;
    if (!s) return sendHtml(res, 503, unavailablePage());
    const path = check(documentPath, req.params);
    const p = check(documentParams, req.query);
    if (!path.ok || !p.ok) {
      const message = !path.ok ? path.message : !p.ok ? p.message : '';
      return sendHtml(res, 400, layout({ title: 'طلب غير صالح — فهرس', body: `<div class="notice error" role="alert"><h1>طلب غير صالح</h1><p dir="auto">${escapeHtml(message)}</p></div>` }));
    }
    const d = s.highlightDocument(path.value.id, p.value.q);
    if (!d) return sendHtml(res, 404, notFoundPage(`لا توجد وثيقة بالمعرّف «${path.value.id}».`));
    sendHtml(res, 200, documentPage(d, p.value.q));
  });

  app.use('/static', express.static(PUBLIC_DIR, { index: false, maxAge: 0, fallthrough: true }));
  app.use('/fonts', express.static(FONTS_DIR, { index: false, maxAge: '365d', immutable: true, fallthrough: true }));

  // ---- 404 and errors ----
  app.use((req, res) => {
    if (wantsHtml(req)) return sendHtml(res, 404, notFoundPage('الصفحة المطلوبة غير موجودة.'));
    res.status(404).json(errorBody('not_found', `There is no ${req.method} ${req.path}.`));
  });

  const onError: ErrorRequestHandler = (err, req, res, next) => {
    const e = httpFailureOf(err);
    if (e.status >= 500) (req.log ?? logger).error({ err }, 'request failed');
    if (res.headersSent) {
      next(err);
      return;
    }
    if (e.status === 503 && wantsHtml(req)) return sendHtml(res, 503, unavailablePage());
    if (wantsHtml(req)) {
      return sendHtml(
        res,
        e.status,
        layout({ title: 'خطأ — فهرس', body: `<div class="notice error" role="alert"><h1>${e.status >= 500 ? 'حدث خطأ في الخادم' : 'طلب غير صالح'}</h1><p dir="auto">${escapeHtml(e.message)}</p><p><a href="/">العودة إلى صفحة البحث</a></p></div>` }),
      );
    }
    res.status(e.status).json(errorBody(e.code, e.message));
  };
  app.use(onError);
  return app;
}

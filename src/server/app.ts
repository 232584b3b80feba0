/**
 * The Express application, composed: middleware (middleware.ts), the JSON API,
 * probes and pages (routes/), static files, then the answers for unknown
 * routes and failures (errors.ts).
 */
import compression from 'compression';
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import { DEFAULT_SETTINGS, type ServerSettings } from '../common/defaults.js';
import { COMPRESSION_THRESHOLD_BYTES, MAX_BODY_BYTES } from '../common/limits.js';
import { CpuGuard } from './cpu-guard.js';
import { errorHandler, notFound } from './errors.js';
import type { SearchEngine } from '../engine/engine.js';
import { parseQueryString, rejectMalformedUrl, requestLogger, scriptGuards, securityHeaders } from './middleware.js';
import { documentRoutes } from './routes/documents.js';
import { openApiRoutes } from './routes/openapi.js';
import { pageRoutes } from './routes/pages.js';
import { probeRoutes } from './routes/probes.js';
import { searchRoutes } from './routes/search.js';
import { staticRoutes } from './routes/static.js';
import { statsRoutes } from './routes/stats.js';
import { suggestRoutes } from './routes/suggest.js';
import { writeRoutes } from './routes/writes.js';
import { SearchService } from './search-service.js';

export interface AppContext {
  engine: SearchEngine;
  options: Pick<ServerSettings, 'corsOrigin' | 'rateLimit' | 'trustProxy'> & Partial<Pick<ServerSettings, 'cacheSize' | 'clientCpuMs' | 'queueTimeoutMs'>> & { adminToken?: string };
  logger: Logger;
}

export function createApp(ctx: AppContext): Express {
  const { engine, options, logger } = ctx;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', parseQueryString);
  app.set('trust proxy', options.trustProxy);
  app.set('json spaces', 0);
  // Answers are dynamic and sent no-store/no-cache: hashing each body for an ETag buys nothing.
  app.set('etag', false);

  // With logging off, the per-request logger is not set up at all.
  if (logger.level !== 'silent') app.use(requestLogger(logger));
  app.use(securityHeaders());
  // After helmet, so this 400 carries the security headers too.
  app.use(rejectMalformedUrl);
  // /api/search chooses and makes its own coding (its gzip bodies are kept in the result cache):
  // the middleware would only wrap its answer to pass it through (~30 µs a request, bench/RESULTS.md).
  const compress = compression({ threshold: COMPRESSION_THRESHOLD_BYTES });
  app.use((req, res, next) => (req.path === '/api/search' ? next() : compress(req, res, next)));
  const guards = scriptGuards(options);
  app.use('/api', ...guards.api);
  app.use('/fragments', ...guards.fragments);
  // The write routes (only with an admin token) read their own bodies, larger than this parser's limit: before it.
  if (options.adminToken) writeRoutes(app, engine, options.adminToken);
  // Whatever searches takes turns and counts against its client's share of time.
  const cpu = new CpuGuard({ budgetMs: options.clientCpuMs ?? DEFAULT_SETTINGS.clientCpuMs, queueTimeoutMs: options.queueTimeoutMs ?? DEFAULT_SETTINGS.queueTimeoutMs });
  app.use(['/api/search', '/api/suggest', '/api/documents', '/fragments', '/doc'], cpu.middleware);
  app.use((req, res, next) => (req.path === '/' ? cpu.middleware(req, res, next) : next()));
  app.use(express.json({ limit: MAX_BODY_BYTES }));

  const search = new SearchService(engine, options.cacheSize ?? 0);
  searchRoutes(app, search);
  suggestRoutes(app, search);
  documentRoutes(app, search);
  statsRoutes(app, search);
  openApiRoutes(app, { writes: Boolean(options.adminToken) });
  probeRoutes(app, search);
  pageRoutes(app, search);
  staticRoutes(app);

  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}

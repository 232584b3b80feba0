/**
 * The pages: the search page `/` (rendered on the server, so it works without
 * JavaScript), the same page's changing pieces as JSON for its script
 * (`/fragments`, same parameters), and the document view `/doc/:id`. A bad
 * parameter is answered with the page and a message (400), a loading index
 * with a 503.
 */
import type { Express, Request } from 'express';
import { PAGE_SIZE } from '../../common/limits.js';
import { sendHtml } from '../html-response.js';
import type { SearchService } from '../search-service.js';
import { check, documentParams, documentPath, pageParams } from '../validation.js';
import { documentPage } from '../view/document-page.js';
import { badRequestPage, notFoundPage, unavailablePage } from '../view/notices.js';
import { HOME_STATE } from '../view/page-state.js';
import { searchPage, searchPieces, type SearchView } from '../view/search-page.js';

/** What the search page shows for the address of `req`, and with which status. */
async function searchView(req: Request, search: SearchService): Promise<{ status: number; view: SearchView }> {
  const stats = { documents: search.documents() };
  const p = check(pageParams, req.query);
  if (!p.ok) {
    const raw = typeof req.query.q === 'string' ? req.query.q : undefined;
    return { status: 400, view: { state: { ...HOME_STATE, q: raw }, error: p.message, stats } };
  }
  const state = p.value;
  const options = { limit: PAGE_SIZE, offset: (state.page - 1) * PAGE_SIZE, mode: state.mode, filters: { source: state.source, from: state.from, to: state.to }, sort: state.sort, collapse: state.collapse, correct: state.correct };
  const result = state.q ? (await search.search(state.q, options)).entry.result : undefined;
  return { status: 200, view: { state, result, stats } };
}

export function pageRoutes(app: Express, search: SearchService): void {
  app.get('/', async (req, res) => {
    if (!search.engine.status().ready) return sendHtml(res, 503, unavailablePage());
    const { status, view } = await searchView(req, search);
    sendHtml(res, status, searchPage(view));
  });

  // The script of the search page swaps these pieces in: one renderer for both ways of showing a page.
  app.get('/fragments', async (req, res) => {
    const { status, view } = await searchView(req, search);
    res.status(status).json(searchPieces(view));
  });

  app.get('/doc/:id', async (req, res) => {
    if (!search.engine.status().ready) return sendHtml(res, 503, unavailablePage());
    const path = check(documentPath, req.params);
    const p = check(documentParams, req.query);
    if (!path.ok) return sendHtml(res, 400, badRequestPage(path.message));
    if (!p.ok) return sendHtml(res, 400, badRequestPage(p.message));
    const d = await search.engine.highlightDocument(path.value.id, p.value.q);
    if (!d) return sendHtml(res, 404, notFoundPage(`لا توجد وثيقة بالمعرّف «${path.value.id}».`));
    sendHtml(res, 200, documentPage(d, p.value.q));
  });
}

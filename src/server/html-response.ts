/** Answering with a page: who wants one, and how it is sent. */
import type { Request, Response } from 'express';

/** Pages for browsers: not under /api, and HTML preferred over JSON. */
export function wantsHtml(req: Request): boolean {
  if (req.path.startsWith('/api/') || req.path === '/api') return false;
  return req.accepts(['json', 'html']) === 'html';
}

export function sendHtml(res: Response, status: number, html: string): void {
  res.status(status).type('html').set('Cache-Control', 'no-cache').send(html);
}

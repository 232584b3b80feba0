/**
 * The admin token of the write routes: `Authorization: Bearer <token>`.
 * Tokens are compared as SHA-256 digests with timingSafeEqual, so the time an
 * answer takes tells nothing of how much of a guess was right (the digests
 * have one length, whatever the lengths of the tokens). No token: 401; a
 * wrong one: 403; both with WWW-Authenticate (RFC 6750) and the usual body.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { FahrasError } from '../common/errors.js';

const REALM = 'Bearer realm="fahras admin"';

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

export function requireAdminToken(token: string): RequestHandler {
  const expected = digest(token);
  return (req, res, next) => {
    const header = req.headers.authorization;
    const given = typeof header === 'string' ? /^Bearer +(\S+) *$/i.exec(header)?.[1] : undefined;
    if (given === undefined) {
      res.set('WWW-Authenticate', REALM);
      next(new FahrasError('This route changes the index and needs the admin token: send the header "Authorization: Bearer <token>".', 'unauthorized'));
      return;
    }
    if (!timingSafeEqual(digest(given), expected)) {
      res.set('WWW-Authenticate', `${REALM}, error="invalid_token"`);
      next(new FahrasError('The admin token is not the right one; nothing was written.', 'forbidden'));
      return;
    }
    next();
  };
}

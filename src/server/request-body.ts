/**
 * Request bodies of the write routes, read whole up to a limit. A body
 * declared or found larger is refused (413) with the limit named, and the
 * connection closed after the answer instead of reading the rest; a
 * compressed body, or one of another type than the route reads, is refused
 * (415) before anything is read.
 */
import type { Request, Response } from 'express';
import { FahrasError } from '../common/errors.js';

function mib(bytes: number): string {
  return `${bytes / 1024 / 1024} MiB`;
}

/** Throws 415 unless the body is of one of `types` (e.g. 'application/json') and not compressed. */
export function expectBodyType(req: Request, types: string[], how: string): void {
  const encoding = req.headers['content-encoding'];
  if (encoding && encoding.toLowerCase() !== 'identity') throw new FahrasError(`The body must not be compressed (Content-Encoding: ${encoding.slice(0, 40)}); ${how}.`, 'unsupported_type');
  if (!req.is(types)) throw new FahrasError(`The body must be sent with Content-Type: ${types.join(' or ')}; ${how}.`, 'unsupported_type');
}

/** The body, whole; a `too_large` error naming `what` and the limit beyond `limit` bytes. */
export async function readBody(req: Request, res: Response, limit: number, what: string): Promise<Buffer> {
  const tooLarge = () => {
    // What is left of the body is not read: the connection ends with the answer.
    res.set('Connection', 'close');
    return new FahrasError(`The body is larger than ${mib(limit)}, the limit of ${what}; nothing was written.`, 'too_large');
  };
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  // Not destroyed on a break: the request's socket must still carry the answer.
  for await (const chunk of req.iterator({ destroyOnReturn: false })) {
    size += (chunk as Buffer).length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size);
}

/** The one error every damaged, missing or foreign index becomes: a message saying what is wrong and what to do. */
import { FahrasError } from '../common/errors.js';

export class IndexError extends FahrasError {
  override name = 'IndexError';
  override readonly kind = 'bad_index';
}

export const REBUILD = 'run `fahras index` to rebuild it';

/** A quoted id for a message: JSON-quoted (controls escaped), cut at 80 characters. */
export function quotedId(id: string): string {
  return JSON.stringify(id.length > 80 ? `${id.slice(0, 80)}…` : id);
}

/**
 * One stored document cannot be read: its record does not match its
 * checksum. Only that document is lost; searches and the other documents are
 * served. The message names no file, so it may be shown to HTTP clients.
 */
export class DamagedRecordError extends FahrasError {
  override name = 'DamagedRecordError';
  override readonly kind = 'damaged_document';

  constructor(readonly id: string) {
    super(`The stored copy of document ${quotedId(id)} is damaged and cannot be read; rebuilding the index (fahras index) restores it.`);
  }
}

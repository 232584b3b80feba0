/** The one error every damaged, missing or foreign index becomes: a message saying what is wrong and what to do. */
import { FahrasError } from '../common/errors.js';

export class IndexError extends FahrasError {
  override name = 'IndexError';
  override readonly kind = 'bad_index';
}

export const REBUILD = 'run `fahras index` to rebuild it';

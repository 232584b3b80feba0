/** The one error every damaged, missing or foreign index becomes: a message saying what is wrong and what to do. */
export class IndexError extends Error {
  override name = 'IndexError';
}

export const REBUILD = 'run `fahras index` to rebuild it';

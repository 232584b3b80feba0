/**
 * What the routes search through: the live index (an `unavailable` error while
 * it loads) and the result cache shared by the API and the page. `search` is
 * asynchronous so that a back-end answering asynchronously can take the
 * Searcher's place without touching the routes.
 */
import { FahrasError } from '../common/errors.js';
import type { Searcher } from '../search/searcher.js';
import type { SearchOptions } from '../search/types.js';
import type { IndexHolder, Loaded } from './index-holder.js';
import { SearchCache, type CachedSearch } from './result-cache.js';

export interface CachedAnswer {
  entry: CachedSearch;
  /** Whether the answer came from the cache. */
  hit: boolean;
}

export class SearchService {
  readonly cache: SearchCache;

  constructor(
    readonly holder: IndexHolder,
    cacheSize: number,
  ) {
    this.cache = new SearchCache(cacheSize);
  }

  /** The live Searcher, or undefined while the index loads. */
  get live(): Searcher | undefined {
    return this.holder.searcher;
  }

  /** The live index and its generation; an `unavailable` error (503) while it loads. */
  loaded(): Loaded {
    const live = this.holder.current;
    if (!live) throw new FahrasError('The index is still loading; try again in a moment.', 'unavailable');
    return live;
  }

  /** The live Searcher; an `unavailable` error (503) while the index loads. */
  searcher(): Searcher {
    return this.loaded().searcher;
  }

  /** `q` searched on `s` (the live index unless given), answered from the cache when it can be. */
  async search(q: string, opts: SearchOptions, s: Searcher = this.searcher()): Promise<CachedAnswer> {
    const f = opts.filters;
    return this.cache.lookup(s, q, [q, opts.limit, opts.offset, opts.mode, f?.source, f?.from, f?.to], () => s.search(q, opts));
  }
}

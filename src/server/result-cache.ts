/**
 * The search-result cache: answers to recent /api/search and page searches,
 * kept for identical requests. Entries belong to one loaded index; when the
 * index is swapped the cache starts empty, so a cached answer is always the
 * answer the live index would give. The API's serialized JSON is kept with
 * the result (encoded), so a repeated request costs neither a search nor a
 * stringify, and its gzip form is kept beside it once a client asked for it.
 */
import { CACHE_BYTES_PER_ENTRY, CACHE_MAX_QUERY_LENGTH, GZIP_LEVEL_CACHED, GZIP_LEVEL_ONCE } from '../common/limits.js';
import type { SearchResult } from '../search/types.js';
import { deflateTail } from './gzip-splice.js';

/**
 * Least recently used dropped first (a Map iterates in insertion order), by
 * entry count and, when `maxWeight` is set, by the total weight of entries.
 */
export class LruCache<V> {
  private readonly entries = new Map<string, { value: V; weight: number }>();
  private total = 0;

  constructor(
    readonly capacity: number,
    readonly maxWeight = Infinity,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Sum of the weights of the entries held. */
  get weight(): number {
    return this.total;
  }

  get(key: string): V | undefined {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.value;
  }

  /** Keeps `value` unless it alone outweighs the cache. */
  set(key: string, value: V, weight = 0): void {
    this.delete(key);
    if (this.capacity <= 0 || weight > this.maxWeight) return;
    this.entries.set(key, { value, weight });
    this.total += weight;
    while (this.entries.size > this.capacity || this.total > this.maxWeight) this.delete(this.entries.keys().next().value!);
  }

  /** Adds `extra` to the weight of `key` if it still holds `value`, dropping the least recently used past the bound. */
  grow(key: string, value: V, extra: number): void {
    const e = this.entries.get(key);
    if (e === undefined || e.value !== value) return;
    e.weight += extra;
    this.total += extra;
    while (this.total > this.maxWeight) this.delete(this.entries.keys().next().value!);
  }

  private delete(key: string): void {
    const e = this.entries.get(key);
    if (e === undefined) return;
    this.entries.delete(key);
    this.total -= e.weight;
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
  }
}

export interface CachedSearch {
  result: SearchResult;
  /** The API body as UTF-8, without its opening brace and `took_ms`; filled by the first API request. */
  jsonTail?: Buffer;
  /** `jsonTail` as raw deflate (gzip-splice.ts), made on the first request that accepts gzip. */
  deflatedTail?: Promise<Buffer>;
  /** The key the entry is kept under; none when it is not cached. */
  key?: string;
}

export interface CacheStats {
  capacity: number;
  size: number;
  /** Estimated bytes held. */
  bytes: number;
  hits: number;
  misses: number;
}


/**
 * Bytes a result and its API body take, roughly: strings are UTF-16 in the heap
 * and UTF-8 (2 bytes per Arabic letter) in the body, where the title and the
 * snippet's text come twice (as text and as highlighted HTML); each span is a
 * small array.
 */
export function estimateBytes(r: SearchResult): number {
  let bytes = 512;
  for (const h of r.hits) {
    let snippetChars = 0;
    let spans = h.highlights.title.length + h.highlights.text.length;
    for (const f of h.snippet.fragments) {
      snippetChars += f.text.length;
      spans += f.highlights.length;
    }
    bytes += 256 + 4 * (2 * h.title.length + 2 * snippetChars + h.id.length);
    bytes += 48 * spans;
    for (const v of Object.values(h.metadata)) bytes += typeof v === 'string' ? 4 * v.length : 16;
  }
  return bytes;
}

export class SearchCache {
  private readonly lru: LruCache<CachedSearch>;
  /** The engine version the entries were answered by. */
  private owner: string | undefined;
  hits = 0;
  misses = 0;

  constructor(capacity: number) {
    this.lru = new LruCache(capacity, capacity * CACHE_BYTES_PER_ENTRY);
  }

  /**
   * The cached answer for `request` from the engine's data `version`, or
   * `run()`'s, which is then kept — unless the data changed while it ran
   * (`versionNow` says). `request` must hold everything the answer depends on
   * besides the data. `hit` says which it was. Errors are not cached.
   */
  async lookup(version: string, q: string, request: unknown, run: () => Promise<SearchResult>, versionNow: () => string | undefined): Promise<{ entry: CachedSearch; hit: boolean }> {
    if (this.lru.capacity <= 0 || q.length > CACHE_MAX_QUERY_LENGTH) return { entry: { result: await run() }, hit: false };
    if (version !== this.owner) {
      this.lru.clear();
      this.owner = version;
    }
    const key = JSON.stringify(request);
    const found = this.lru.get(key);
    if (found) {
      this.hits++;
      return { entry: found, hit: true };
    }
    this.misses++;
    const entry: CachedSearch = { result: await run() };
    if (versionNow() === version && this.owner === version) {
      entry.key = key;
      this.lru.set(key, entry, estimateBytes(entry.result) + key.length * 2);
    }
    return { entry, hit: false };
  }

  /**
   * The entry's `jsonTail` deflated: made once and kept for a cached entry (its
   * bytes counted in the cache's bound), made for this answer only otherwise.
   */
  deflatedTail(entry: CachedSearch, jsonTail: Buffer): Promise<Buffer> {
    if (entry.deflatedTail) return entry.deflatedTail;
    const key = entry.key;
    if (key === undefined) return deflateTail(jsonTail, GZIP_LEVEL_ONCE);
    const made = deflateTail(jsonTail, GZIP_LEVEL_CACHED);
    entry.deflatedTail = made;
    made.then(
      (b) => this.lru.grow(key, entry, b.length),
      () => (entry.deflatedTail = undefined),
    );
    return made;
  }

  stats(): CacheStats {
    return { capacity: this.lru.capacity, size: this.lru.size, bytes: this.lru.weight, hits: this.hits, misses: this.misses };
  }
}

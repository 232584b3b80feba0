/** Append-only typed arrays that double when full: compact accumulation without boxed numbers. */
type Typed = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array;
type Ctor<T> = { new (n: number): T };

export class Growable<T extends Typed> {
  private data: T;
  length = 0;

  constructor(
    private readonly ctor: Ctor<T>,
    initial = 1024,
  ) {
    this.data = new ctor(Math.max(1, initial));
  }

  push(v: number): void {
    if (this.length === this.data.length) this.reserve(this.length + 1);
    this.data[this.length++] = v;
  }

  /** Appends every value of `values`. */
  append(values: ArrayLike<number>): void {
    this.reserve(this.length + values.length);
    this.data.set(values, this.length);
    this.length += values.length;
  }

  get(i: number): number {
    return this.data[i];
  }

  set(i: number, v: number): void {
    this.data[i] = v;
  }

  /** Makes room for `n` elements without changing the length. */
  reserve(n: number): void {
    if (n <= this.data.length) return;
    const next = new this.ctor(Math.max(n, this.data.length * 2));
    next.set(this.data);
    this.data = next;
  }

  /** Empties the array, keeping its storage. */
  clear(): void {
    this.length = 0;
  }

  /** A right-sized copy of the contents. */
  toArray(): T {
    return this.data.slice(0, this.length) as T;
  }

  /** A view on the contents (no copy; invalid after the next push). */
  view(): T {
    return this.data.subarray(0, this.length) as T;
  }

  /** The whole backing store, `length` elements of which are in use (invalid after the next push). */
  get raw(): T {
    return this.data;
  }
}

/**
 * A typed array indexed by a dense id that grows as larger ids come, filled
 * with `fill` — for per-term or per-entry tables whose size is not known ahead.
 */
export function ensureIndex<T extends Typed>(a: T, index: number, fill = 0): T {
  if (index < a.length) return a;
  const C = a.constructor as Ctor<T>;
  const grown = new C(Math.max(index + 1, a.length * 2));
  grown.set(a);
  if (fill !== 0) grown.fill(fill, a.length);
  return grown;
}

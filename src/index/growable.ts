/** Append-only typed arrays that double when full: compact accumulation at build time. */
type Ctor<T> = { new (n: number): T };

export class Growable<T extends Uint8Array | Uint32Array | Int32Array | Float64Array> {
  private data: T;
  length = 0;

  constructor(
    private readonly ctor: Ctor<T>,
    initial = 1024,
  ) {
    this.data = new ctor(initial);
  }

  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new this.ctor(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }

  get(i: number): number {
    return this.data[i];
  }

  /** A right-sized copy of the contents. */
  toArray(): T {
    return this.data.slice(0, this.length) as T;
  }

  /** A view on the contents (no copy; invalid after the next push). */
  view(): T {
    return this.data.subarray(0, this.length) as T;
  }
}

/**
 * Connections spread by the fewest open. With several serving processes the
 * first process accepts every connection itself and hands each to the
 * process that holds the fewest (processes.ts). Left to the kernel, processes
 * accepting from one shared socket split a burst of connections unevenly (1
 * and 49 of 50 were seen on two), and the process that holds most keep-alive
 * connections answers their requests one after another while the other has
 * few to answer: the slowest answers wait for that whole queue.
 */
export class FewestConnections<P> {
  private readonly open = new Map<P, number>();

  /** `p` may be handed connections from now on. */
  join(p: P): void {
    if (!this.open.has(p)) this.open.set(p, 0);
  }

  /** `p` is gone, and its connections with it. */
  leave(p: P): void {
    this.open.delete(p);
  }

  /** The process holding the fewest connections among those `preferred` (any that joined when none is), or undefined. */
  pick(preferred: (p: P) => boolean): P | undefined {
    let best: P | undefined;
    let fewest = Infinity;
    let bestPreferred = false;
    for (const [p, n] of this.open) {
      const pref = preferred(p);
      if ((pref && !bestPreferred) || (pref === bestPreferred && n < fewest)) {
        best = p;
        fewest = n;
        bestPreferred = pref;
      }
    }
    return best;
  }

  /** Open connections `p` holds. */
  count(p: P): number {
    return this.open.get(p) ?? 0;
  }

  opened(p: P): void {
    if (this.open.has(p)) this.open.set(p, this.open.get(p)! + 1);
  }

  closed(p: P): void {
    const n = this.open.get(p);
    if (n !== undefined) this.open.set(p, Math.max(0, n - 1));
  }
}

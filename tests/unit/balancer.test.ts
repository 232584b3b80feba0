/** FewestConnections: which serving process the next connection goes to. */
import { describe, expect, it } from 'vitest';
import { FewestConnections } from '../../src/server/balancer.js';

const any = () => true;

describe('FewestConnections', () => {
  it('hands connections out in turn while they stay open, and to the emptier process once some close', () => {
    const b = new FewestConnections<string>();
    b.join('a');
    b.join('b');
    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      const p = b.pick(any)!;
      b.opened(p);
      order.push(p);
    }
    expect(order).toEqual(['a', 'b', 'a', 'b', 'a', 'b']);
    b.closed('b');
    b.closed('b');
    expect(b.pick(any)).toBe('b');
    expect([b.count('a'), b.count('b')]).toEqual([3, 1]);
  });

  it('prefers the processes whose index is loaded, and takes any other only when none is', () => {
    const b = new FewestConnections<string>();
    b.join('loading');
    b.join('ready');
    for (let i = 0; i < 5; i++) b.opened('ready');
    expect(b.pick((p) => p === 'ready')).toBe('ready');
    expect(b.pick(() => false)).toBe('loading');
  });

  it('forgets a process that left, with its connections; a count never goes below zero', () => {
    const b = new FewestConnections<string>();
    expect(b.pick(any)).toBeUndefined();
    b.join('a');
    b.closed('a');
    expect(b.count('a')).toBe(0);
    b.opened('a');
    b.leave('a');
    expect(b.pick(any)).toBeUndefined();
    b.opened('a');
    expect(b.count('a')).toBe(0);
  });
});

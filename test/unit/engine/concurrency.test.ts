import { describe, expect, it } from 'vitest';
import { forEachConcurrently, pullFrom } from '../../../src/engine/concurrency.js';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('forEachConcurrently: the one worker pool', () => {
  it('keeps at most `concurrency` items in flight, pulls as workers free up, and numbers items in pull order', async () => {
    const gates = Array.from({ length: 5 }, deferred);
    let inFlight = 0;
    let peak = 0;
    const seen: Array<[string, number]> = [];
    const done = forEachConcurrently(pullFrom(['a', 'b', 'c', 'd', 'e']), 2, async (item, index) => {
      seen.push([item, index]);
      peak = Math.max(peak, ++inFlight);
      await gates[index]!.promise;
      inFlight--;
    });
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual([['a', 0], ['b', 1]]); // 'c' waits for a free worker
    gates[1]!.resolve();
    await new Promise((r) => setImmediate(r));
    expect(seen.map(([x]) => x)).toEqual(['a', 'b', 'c']);
    for (const g of gates) g.resolve();
    await done;
    expect(seen).toEqual([['a', 0], ['b', 1], ['c', 2], ['d', 3], ['e', 4]]);
    expect(peak).toBe(2);
  });

  it('a stop signal ends the pulling; what is in flight finishes', async () => {
    const stop = new AbortController();
    const finished: number[] = [];
    await forEachConcurrently(pullFrom([1, 2, 3, 4, 5, 6]), 2, async (n) => {
      if (n === 2) stop.abort();
      await new Promise((r) => setImmediate(r));
      finished.push(n);
    }, { stop: stop.signal });
    expect(finished.sort()).toEqual([1, 2]);
  });

  it('a feed that ends early, and a concurrency larger than the work, are fine', async () => {
    let left = 3;
    const got: number[] = [];
    await forEachConcurrently(() => (left > 0 ? left-- : undefined), 8, async (n) => void got.push(n), { yieldBetween: true });
    expect(got).toEqual([3, 2, 1]);
  });
});

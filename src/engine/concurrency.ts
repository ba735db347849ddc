/**
 * The one worker pool of the tool (the check runner and `send --all` both use it): at most `concurrency`
 * items in flight, pulled one at a time from `next()` as a worker frees up — so a streamed source is read
 * only as fast as it is worked on — until `next()` returns undefined or `stop` is aborted (items already
 * pulled finish; no new one starts). `work` is expected to handle its own failures: a rejection ends the
 * pool's promise with it, as Promise.all does.
 */
export async function forEachConcurrently<T>(
  next: () => T | undefined,
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
  options: { stop?: AbortSignal; yieldBetween?: boolean } = {},
): Promise<void> {
  let index = 0;
  const worker = async (): Promise<void> => {
    while (!options.stop?.aborted) {
      const item = next();
      if (item === undefined) return;
      await work(item, index++);
      // Work that settles in microtasks alone (cached facts) would otherwise starve timers and output
      // (timeouts, the progress line) until the whole batch is done.
      if (options.yieldBetween) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.floor(concurrency)) }, worker));
}

/** `next()` over a list, for forEachConcurrently. */
export function pullFrom<T>(list: readonly T[]): () => T | undefined {
  let i = 0;
  return () => (i < list.length ? list[i++] : undefined);
}

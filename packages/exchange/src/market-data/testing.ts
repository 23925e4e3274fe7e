import type { PriceFeed, PriceTick } from './types';

/**
 * Resolves with the next tick of `feed` matching `predicate`; rejects after `timeoutMs`.
 * For tests and demos; not part of the package's public API.
 */
export function nextTick(
  feed: PriceFeed,
  predicate: (tick: PriceTick) => boolean = () => true,
  timeoutMs = 3000,
): Promise<PriceTick> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no matching tick within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = feed.onTick((tick) => {
      if (!predicate(tick)) return;
      clearTimeout(timer);
      off();
      resolve(tick);
    });
  });
}

/** Polls `predicate` every 5 ms until it holds; rejects after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * A token bucket: `ratePerSecond` tokens a second, at most `burst` saved up. `take()` resolves when a
 * token is available; callers queue in order (first come, first served), so a batch's requests to one
 * provider are spaced evenly at the configured rate however many invoices run at once.
 */
export class TokenBucket {
  readonly ratePerSecond: number;
  readonly burst: number;
  private tokens: number;
  private last: number;
  private tail: Promise<void> = Promise.resolve();

  constructor(ratePerSecond: number, burst = 1) {
    if (!(ratePerSecond > 0)) throw new RangeError('rate limit: the rate must be a positive number');
    this.ratePerSecond = ratePerSecond;
    this.burst = Math.max(1, burst);
    this.tokens = this.burst;
    this.last = Date.now();
  }

  /** Waits for a token (in call order). */
  take(): Promise<void> {
    const turn = this.tail.then(() => this.next());
    this.tail = turn.catch(() => undefined);
    return turn;
  }

  private async next(): Promise<void> {
    for (;;) {
      const now = Date.now();
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await sleep(Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000));
    }
  }
}

/** No limit: `take()` resolves at once. */
export const UNLIMITED = { take: () => Promise.resolve() } as const;
export type Limiter = Pick<TokenBucket, 'take'>;

/** Limiters by key (a provider and sender), created on first use. */
export class Limiters {
  private readonly map = new Map<string, Limiter>();

  get(key: string, ratePerSecond: number | undefined): Limiter {
    let limiter = this.map.get(key);
    if (!limiter) {
      limiter = ratePerSecond === undefined || !Number.isFinite(ratePerSecond) ? UNLIMITED : new TokenBucket(ratePerSecond);
      this.map.set(key, limiter);
    }
    return limiter;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * How long to wait before try `attempt` (1 = the first retry) after a 429: the server's Retry-After
 * when it gave one, else 1 s, 2 s, 4 s … capped at 30 s, with a little jitter so parallel senders spread out.
 */
export function backoffMs(attempt: number, retryAfterSeconds?: number): number {
  if (retryAfterSeconds !== undefined && Number.isFinite(retryAfterSeconds) && retryAfterSeconds >= 0) return Math.min(60_000, retryAfterSeconds * 1000);
  return Math.min(30_000, 1000 * 2 ** (attempt - 1)) + Math.floor(Math.random() * 100);
}

/** Retries after a 429 at most this many times (so at most 1 + this many requests). */
export const RATE_LIMIT_RETRIES = 4;

/**
 * The emulated SES send-rate limit: a token bucket that refills at `rate` tokens a second up to `burst`, as
 * SES's MaxSendRate behaves (a second's worth of sends may go at once, never more on average).
 */
export interface TokenBucketOptions {
  /** Tokens added per second. */
  rate: number;
  /** The most tokens held (and the bucket starts full). */
  burst: number;
  /** Milliseconds on any fixed origin (performance.now in the bench, a fake clock in tests). */
  now: () => number;
}

export interface TokenBucket {
  /** Takes one token if there is one: true when the request may go through. */
  tryTake(): boolean;
}

export function createTokenBucket(options: TokenBucketOptions): TokenBucket {
  const { rate, burst, now } = options;
  if (!(rate > 0) || !(burst >= 1))
    throw new RangeError(`need rate > 0 and burst >= 1 (got ${rate}, ${burst})`);
  let tokens = burst;
  let at = now();
  return {
    tryTake() {
      const t = now();
      tokens = Math.min(burst, tokens + ((t - at) / 1000) * rate);
      at = t;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}

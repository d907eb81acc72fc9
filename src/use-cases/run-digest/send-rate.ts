/**
 * The pace of SendEmail calls in one invocation: a token bucket of size one, kept as the time of the next
 * free slot. `take()` reserves a slot synchronously (so concurrent callers never share one) and then sleeps
 * until it, once: there is no polling loop, so a test's instant sleep costs no real time and a fake clock
 * sees exactly the spacing. SES throttling halves the rate (multiplicative decrease); accepted sends raise
 * it back by steps toward the configured rate (additive increase), as TCP does with a congested link.
 */

export interface SendRateOptions {
  /** SendEmail calls per second this invocation may make (its share of the account's MaxSendRate). */
  rate: number;
  /** Milliseconds since the epoch (or any fixed origin): the fake clock of a test, Date.now otherwise. */
  clock: () => number;
  sleep: (ms: number) => Promise<void>;
  /**
   * How long after the last slowdown accepted sends start raising the rate again: long enough that the
   * sends already in flight when SES throttled (answered at the old rate) have come back.
   */
  recoveryDelayMs?: number;
  /**
   * Throttles reported within this long after a slowdown count as the same one: every send in flight when
   * SES started refusing comes back throttled, and halving once per answer would drop to the floor at once.
   */
  decreaseCooldownMs?: number;
}

export interface SendRate {
  /** Waits for this caller's slot; resolves when it may send. */
  take(): Promise<void>;
  /** SES answered "too many requests": slow down. */
  throttled(): void;
  /** SES accepted a send: speed back up toward the configured rate. */
  accepted(): void;
  /** Sends per second now. */
  readonly currentRate: number;
}

/** Each accepted send after the recovery delay adds this share of the configured rate back. */
const INCREASE_SHARE = 1 / 20;
/** Throttling never slows below the larger of 1/s and rate / 16 (nor above the configured rate itself). */
const FLOOR_SHARE = 1 / 16;
const DEFAULT_RECOVERY_DELAY_MS = 2_000;
const DEFAULT_DECREASE_COOLDOWN_MS = 1_000;

export function createSendRate(options: SendRateOptions): SendRate {
  const { rate, clock, sleep } = options;
  if (!(rate > 0) || !Number.isFinite(rate)) throw new RangeError(`send rate must be positive, got ${rate}`);
  const recoveryDelayMs = options.recoveryDelayMs ?? DEFAULT_RECOVERY_DELAY_MS;
  const decreaseCooldownMs = options.decreaseCooldownMs ?? DEFAULT_DECREASE_COOLDOWN_MS;
  const floor = Math.min(rate, Math.max(1, rate * FLOOR_SHARE));
  let current = rate;
  let nextSlot = Number.NEGATIVE_INFINITY;
  let lastDecrease = Number.NEGATIVE_INFINITY;

  return {
    take() {
      const now = clock();
      const slot = Math.max(now, nextSlot);
      nextSlot = slot + 1000 / current;
      const wait = slot - now;
      return wait > 0 ? sleep(wait) : Promise.resolve();
    },
    throttled() {
      const now = clock();
      if (now - lastDecrease < decreaseCooldownMs) return;
      lastDecrease = now;
      current = Math.max(floor, current / 2);
    },
    accepted() {
      if (current >= rate || clock() - lastDecrease < recoveryDelayMs) return;
      current = Math.min(rate, current + rate * INCREASE_SHARE);
    },
    get currentRate() {
      return current;
    },
  };
}

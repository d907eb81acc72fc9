import { describe, expect, it } from 'vitest';
import { createSendRate } from '../../../../src/use-cases/run-digest/send-rate.js';

/**
 * A clock that moves only when someone sleeps: a sleep of `ms` ends at the time it was asked for plus `ms`,
 * and the clock then shows the latest such end. Every sleep is recorded with the time it was asked at.
 */
function fakeTime(start = 1_000_000) {
  let now = start;
  const sleeps: { at: number; ms: number }[] = [];
  return {
    clock: () => now,
    sleeps,
    advance: (ms: number) => {
      now += ms;
    },
    sleep: async (ms: number) => {
      const at = now;
      sleeps.push({ at, ms });
      now = Math.max(now, at + ms);
    },
    elapsed: () => now - start,
  };
}

/** When each of `n` sequential takes was allowed to send. */
async function sendTimes(
  rate: ReturnType<typeof createSendRate>,
  time: ReturnType<typeof fakeTime>,
  n: number,
) {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    await rate.take();
    times.push(time.clock());
  }
  return times;
}

const gaps = (times: number[]) => times.slice(1).map((t, i) => t - (times[i] as number));

describe('the send rate', () => {
  it('lets N sequential sends at rate R through in (N - 1) / R seconds, the first at once', async () => {
    const time = fakeTime();
    const rate = createSendRate({ rate: 14, clock: time.clock, sleep: time.sleep });

    await sendTimes(rate, time, 29);

    expect(time.elapsed()).toBeCloseTo((28 / 14) * 1000, 6);
    expect(time.sleeps).toHaveLength(28);
  });

  it('gives concurrent takes distinct slots one interval apart', async () => {
    const time = fakeTime();
    const waits: number[] = [];
    // The clock stands still while they wait: all ten reserve at the same instant.
    const rate = createSendRate({ rate: 200, clock: time.clock, sleep: async (ms) => void waits.push(ms) });

    await Promise.all(Array.from({ length: 10 }, () => rate.take()));

    // The first sends at once, the others wait 5, 10, ... 45 ms.
    expect(new Set(waits).size).toBe(9);
    waits.forEach((ms, i) => expect(ms).toBeCloseTo((i + 1) * 5, 6));
  });

  it('does not save up slots while idle: after a pause the next sends are paced again', async () => {
    const time = fakeTime();
    const rate = createSendRate({ rate: 10, clock: time.clock, sleep: time.sleep });
    await rate.take();
    time.advance(5_000);

    const times = await sendTimes(rate, time, 3);

    expect(gaps(times).map((g) => Math.round(g))).toEqual([100, 100]);
  });

  it('doubles the spacing after a throttle, for the slots reserved after it', async () => {
    const time = fakeTime();
    const rate = createSendRate({ rate: 10, clock: time.clock, sleep: time.sleep });
    const before = await sendTimes(rate, time, 3);

    rate.throttled();
    const after = await sendTimes(rate, time, 4);

    expect(gaps(before).map(Math.round)).toEqual([100, 100]);
    // The first take after the throttle was reserved at the old pace; from then on 200 ms apart.
    expect(gaps([before.at(-1) as number, ...after]).map(Math.round)).toEqual([100, 200, 200, 200]);
    expect(rate.currentRate).toBe(5);
  });

  it('counts throttles arriving together as one slowdown, and a later one as another', () => {
    const time = fakeTime();
    const rate = createSendRate({ rate: 64, clock: time.clock, sleep: time.sleep });

    for (let i = 0; i < 8; i++) rate.throttled();
    expect(rate.currentRate).toBe(32);

    time.advance(1_000);
    rate.throttled();
    expect(rate.currentRate).toBe(16);
  });

  it('never slows below rate / 16 for a high rate, nor below 1/s for a low one', () => {
    const time = fakeTime();
    const high = createSendRate({ rate: 200, clock: time.clock, sleep: time.sleep });
    const low = createSendRate({ rate: 14, clock: time.clock, sleep: time.sleep });
    const slow = createSendRate({ rate: 0.5, clock: time.clock, sleep: time.sleep });

    for (let i = 0; i < 20; i++) {
      high.throttled();
      low.throttled();
      slow.throttled();
      time.advance(1_000);
    }

    expect(high.currentRate).toBe(12.5);
    expect(low.currentRate).toBe(1);
    expect(slow.currentRate).toBe(0.5);
  });

  it('recovers to the configured rate by steps of rate / 20 once 2 s pass without a throttle, and no higher', () => {
    const time = fakeTime();
    const rate = createSendRate({ rate: 20, clock: time.clock, sleep: time.sleep });
    rate.throttled();
    expect(rate.currentRate).toBe(10);

    rate.accepted();
    time.advance(1_999);
    rate.accepted();
    expect(rate.currentRate).toBe(10);

    time.advance(1);
    const seen: number[] = [];
    for (let i = 0; i < 12; i++) {
      rate.accepted();
      seen.push(rate.currentRate);
    }

    expect(seen).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 20, 20]);
  });

  it('paces at the recovered rate again', async () => {
    const time = fakeTime();
    const rate = createSendRate({ rate: 10, clock: time.clock, sleep: time.sleep });
    rate.throttled();
    time.advance(2_000);
    for (let i = 0; i < 20; i++) rate.accepted();
    await rate.take();

    const times = await sendTimes(rate, time, 3);

    expect(gaps(times).map(Math.round)).toEqual([100, 100]);
  });

  it('refuses a rate that is not a positive number', () => {
    const time = fakeTime();
    expect(() => createSendRate({ rate: 0, clock: time.clock, sleep: time.sleep })).toThrow(RangeError);
    expect(() => createSendRate({ rate: Number.NaN, clock: time.clock, sleep: time.sleep })).toThrow(
      RangeError,
    );
  });
});

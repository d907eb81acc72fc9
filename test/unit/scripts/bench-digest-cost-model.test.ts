import { describe, expect, it } from 'vitest';
import {
  cost,
  dailyUsage,
  itemBytes,
  NO_USAGE,
  type AttributeValueJson,
  readUnits,
  sqsBilledRequests,
  writeUnits,
  type Usage,
} from '../../../scripts/bench-digest/cost-model.js';
import { createTokenBucket } from '../../../scripts/bench-digest/token-bucket.js';

describe('the digest cost model', () => {
  it('prices each service at its us-east-1 list price', () => {
    // Prepare: a million of everything.
    const million: Usage = {
      sesMails: 1_000_000,
      s3Get: 1_000_000,
      s3Put: 1_000_000,
      s3List: 1_000_000,
      dynamodbReadUnits: 1_000_000,
      dynamodbWriteUnits: 1_000_000,
      sqsRequests: 1_000_000,
      lambdaRequests: 1_000_000,
      lambdaGbSeconds: 1_000_000,
      schedulerInvocations: 1_000_000,
    };

    // Act
    const { byService, totalUsd } = cost(million);

    // Assess: SES $100, DynamoDB $0.625 + $0.125, S3 $5 + $5 + $0.40, SQS $0.40, Lambda $0.20 + $16.6667.
    expect(byService.ses).toBeCloseTo(100, 6);
    expect(byService.dynamodb).toBeCloseTo(0.75, 6);
    expect(byService.s3).toBeCloseTo(10.4, 6);
    expect(byService.sqs).toBeCloseTo(0.4, 6);
    expect(byService.lambda).toBeCloseTo(16.8667, 4);
    expect(byService.scheduler).toBe(0);
    expect(totalUsd).toBeCloseTo(100 + 0.75 + 10.4 + 0.4 + 16.8667, 4);
  });

  it('adds every subscriber share to the runs of the day', () => {
    // Prepare: 3 writes and a mail per subscriber; a LIST and a planner invocation per run.
    const perSubscriber = { ...NO_USAGE, sesMails: 1, dynamodbWriteUnits: 3 };
    const perRun = { ...NO_USAGE, s3List: 1, lambdaRequests: 1 };

    // Act
    const day = dailyUsage({ subscribers: 1_000, perSubscriber, perRun, runsPerDay: 24 });

    // Assess
    expect(day).toEqual({
      ...NO_USAGE,
      sesMails: 1_000,
      dynamodbWriteUnits: 3_000,
      s3List: 24,
      lambdaRequests: 24,
    });
  });

  it('bills DynamoDB per KB written and per 4 KB read (half for eventually consistent), SQS per 64 KB', () => {
    expect([writeUnits(0), writeUnits(1024), writeUnits(1025)]).toEqual([1, 1, 2]);
    expect([readUnits(100, true), readUnits(100, false), readUnits(4097, false)]).toEqual([1, 0.5, 1]);
    expect([sqsBilledRequests(0), sqsBilledRequests(65_536), sqsBilledRequests(65_537)]).toEqual([1, 1, 2]);
  });

  it('sizes an item as names plus values, nested maps and lists included', () => {
    // Prepare: "pk" (2) + "SUB#a" (5); "n" (1) + 3 digits (2 + 1); "m" (1) + map (3 + 1 + "k" 1 + "v" 1);
    // "l" (1) + list (3 + 1 + true 1).
    const item = {
      pk: { S: 'SUB#a' },
      n: { N: '123' },
      m: { M: { k: { S: 'v' } } },
      l: { L: [{ BOOL: true }] },
    } satisfies Record<string, AttributeValueJson>;

    // Act
    const bytes = itemBytes(item);

    // Assess
    expect(bytes).toBe(7 + 4 + 7 + 6);
  });
});

describe('the emulated SES rate limit', () => {
  it('lets a second of sends through at once, then one per 1/rate seconds', () => {
    // Prepare: 14/s, burst 14, on a fake clock.
    let now = 0;
    const bucket = createTokenBucket({ rate: 14, burst: 14, now: () => now });

    // Act: 15 at once, then 1/14 s later, then a full second later.
    const burst = Array.from({ length: 15 }, () => bucket.tryTake());
    now += 1000 / 14;
    const afterOneSlot = [bucket.tryTake(), bucket.tryTake()];
    now += 10_000;
    const afterLongPause = Array.from({ length: 15 }, () => bucket.tryTake()).filter(Boolean).length;

    // Assess
    expect(burst.filter(Boolean)).toHaveLength(14);
    expect(burst[14]).toBe(false);
    expect(afterOneSlot).toEqual([true, false]);
    expect(afterLongPause).toBe(14);
  });
});

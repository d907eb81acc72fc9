/**
 * SES throttling, injected at the HTTP boundary (the fault proxy, answering SendEmail with SES's own 429
 * TooManyRequestsException) in front of the real SES emulator, so the production client parses it and any
 * re-send the SDK made would reach the proxy: retried within the run when it passes, recorded and resumed
 * next run when it does not, never a duplicate, never blocking the other addresses.
 */
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runDigest } from '../../src/use-cases/run-digest/run-digest.js';
import { DEFAULT_RETRY } from '../../src/use-cases/run-digest/send.js';
import { copiesPerRecipient, useDigestStack } from '../support/digest-stack.js';
import {
  faults,
  sendEmailRecipient,
  startFaultProxy,
  type FaultProxy,
  type FaultRule,
} from '../support/fault-proxy.js';
import { buildSummary, summaryKey } from '../support/summary-fixtures.js';
import { localDateIn } from '../support/time-zones.js';

const HOUR_MS = 60 * 60 * 1000;

const stack = useDigestStack();
let proxy: FaultProxy;
/** The production SES client, on the proxy. */
let ses: SESv2Client;
beforeAll(async () => {
  const story = buildSummary({ title: 'Tram line approved' });
  await stack().putSummary(story, summaryKey(story, new Date()));
  proxy = await startFaultProxy({ target: stack().ses.endpoint });
  ses = stack().newSesClient(proxy.url);
});
afterEach(() => proxy.clear());
afterAll(async () => {
  ses?.destroy();
  await proxy?.close();
});

/**
 * Answers the SendEmail requests to `victim` that `nth` picks (1-based, of the requests to `victim`; all
 * when not given) with SES's 429 throttling. `requests()` counts every SendEmail request to `victim` that
 * reached the proxy: the run's attempts, and any re-send of the SDK's. `stop()` lets them all through.
 */
function throttle(victim: string, nth?: FaultRule['nth']): { requests: () => number; stop: () => void } {
  let requests = 0;
  const stop = proxy.add({
    name: `throttle ${victim}`,
    match: (request) => {
      const mine = sendEmailRecipient(request) === victim;
      if (mine) requests++;
      return mine;
    },
    ...(nth !== undefined && { nth }),
    fault: faults.sesThrottling(),
  });
  return { requests: () => requests, stop };
}

/** Three subscribers owed today's digest, on the fresh table each test gets. */
const subscribe = () => stack().subscribeDue(['ana@example.com', 'bo@example.org', 'cy@example.net']);

const copies = async () => copiesPerRecipient(await stack().ses.emails());
const ONE_EACH = { 'ana@example.com': 1, 'bo@example.org': 1, 'cy@example.net': 1 };

describe('a throttled send', () => {
  it('is retried with backoff within the run and sent once', async () => {
    await subscribe();
    const bo = throttle('bo@example.org', [1, 2]);
    const deps = stack().deps({}, { ses });

    const report = await runDigest(deps, new Date(Date.now() + 2000));

    expect(report).toMatchObject({ sent: 3, failed: 0 });
    expect(bo.requests()).toBe(3);
    expect(await copies()).toEqual(ONE_EACH);
  });

  it('that keeps failing is recorded, does not block the others, and resumes next run without duplicates', async () => {
    await subscribe();
    const now = new Date(Date.now() + 2000);
    const bo = throttle('bo@example.org');

    const first = await runDigest(stack().deps({}, { ses }), now);
    const failure = await stack().sendFailure('bo@example.org', localDateIn(stack().dueTimeZone, now));
    // One request per attempt of the run's retry loop: the SDK re-sent none of them.
    const firstRunRequests = bo.requests();
    bo.stop();
    const second = await runDigest(stack().deps({}, { ses }), new Date(now.getTime() + HOUR_MS));
    const third = await runDigest(stack().deps({}, { ses }), new Date(now.getTime() + 2 * HOUR_MS));

    expect(first).toMatchObject({ sent: 2, failed: 1 });
    expect(firstRunRequests).toBe(DEFAULT_RETRY.attempts);
    expect(failure).toMatchObject({ code: 'TooManyRequestsException' });
    expect(await stack().latest('bo@example.org')).toMatchObject({ status: 'sent' });
    expect(second).toMatchObject({ sent: 1, failed: 0 });
    expect(third).toMatchObject({ sent: 0, due: 0 });
    expect(await copies()).toEqual(ONE_EACH);
  });
});

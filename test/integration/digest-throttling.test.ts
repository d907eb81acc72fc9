/**
 * SES throttling, injected at the SDK client boundary (a middleware before the SDK's own retries) of a
 * client talking to the real SES emulator: retried within the run when it passes, recorded and resumed
 * next run when it does not, never a duplicate, never blocking the other addresses.
 */
import { TooManyRequestsException, type SESv2Client } from '@aws-sdk/client-sesv2';
import { beforeAll, describe, expect, it } from 'vitest';
import { runDigest } from '../../src/use-cases/run-digest/run-digest.js';
import { useDigestStack } from '../support/digest-stack.js';
import { buildSummary, summaryKey } from '../support/summary-fixtures.js';

const HOUR_MS = 60 * 60 * 1000;

const stack = useDigestStack();
beforeAll(async () => {
  const story = buildSummary({ title: 'Tram line approved' });
  await stack().putSummary(story, summaryKey(story, new Date()));
});

/** Throws TooManyRequests for SendEmail calls the predicate picks; counts every SendEmail attempt. */
function throttlingSes(
  throttle: (to: string, attempt: number) => boolean,
): SESv2Client & { attempts: string[] } {
  const client = Object.assign(stack().newSesClient(), { attempts: [] as string[] });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'SendEmailCommand') {
        const to =
          (args.input as { Destination?: { ToAddresses?: string[] } }).Destination?.ToAddresses?.[0] ?? '';
        client.attempts.push(to);
        if (throttle(to, client.attempts.filter((a) => a === to).length)) {
          throw new TooManyRequestsException({ message: 'Maximum sending rate exceeded.', $metadata: {} });
        }
      }
      return next(args);
    },
    { step: 'initialize', name: 'injectThrottling' },
  );
  return client;
}

/** Three subscribers owed today's digest, on the fresh table each test gets. */
const subscribe = () => stack().subscribeDue(['ana@example.com', 'bo@example.org', 'cy@example.net']);

const recipients = async () => (await stack().ses.emails()).flatMap((m) => m.destination.to).sort();

describe('a throttled send', () => {
  it('is retried with backoff within the run and sent once', async () => {
    await subscribe();
    const ses = throttlingSes((to, attempt) => to === 'bo@example.org' && attempt <= 2);
    const deps = stack().deps({}, { ses });

    const report = await runDigest(deps, new Date(Date.now() + 2000));

    expect(report).toMatchObject({ sent: 3, failed: 0 });
    expect(ses.attempts.filter((a) => a === 'bo@example.org')).toHaveLength(3);
    expect(await recipients()).toEqual(['ana@example.com', 'bo@example.org', 'cy@example.net']);
  });

  it('that keeps failing is recorded, does not block the others, and resumes next run without duplicates', async () => {
    await subscribe();
    const now = new Date(Date.now() + 2000);
    let throttled = true;
    const ses = throttlingSes((to) => throttled && to === 'bo@example.org');

    const first = await runDigest(stack().deps({}, { ses }), now);
    const failure = await stack().sendFailure('bo@example.org', now.toISOString().slice(0, 10));
    throttled = false;
    const second = await runDigest(stack().deps({}, { ses }), new Date(now.getTime() + HOUR_MS));
    const third = await runDigest(stack().deps({}, { ses }), new Date(now.getTime() + 2 * HOUR_MS));

    expect(first).toMatchObject({ sent: 2, failed: 1 });
    expect(failure).toMatchObject({ code: 'TooManyRequestsException' });
    expect(await stack().latest('bo@example.org')).toMatchObject({ status: 'sent' });
    expect(second).toMatchObject({ sent: 1, failed: 0 });
    expect(third).toMatchObject({ sent: 0, due: 0 });
    expect(await recipients()).toEqual(['ana@example.com', 'bo@example.org', 'cy@example.net']);
  });
});

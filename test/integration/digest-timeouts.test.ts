/**
 * The production clients (aws/clients.ts) and adapters against the emulators behind a fault-injecting HTTP
 * proxy: a request that never gets an answer ends at its deadline instead of holding the run until Lambda
 * kills it, a send SES refuses is retried by our loop alone, and the handler starts nothing it could not
 * finish, ledger write included, before the Lambda timeout.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  STORE_CALL_MAX_MS,
  STORE_TIMEOUTS,
  SES_ATTEMPT_MAX_MS,
  SES_TIMEOUTS,
  createDynamoDbClient,
  createSesClient,
} from '../../src/aws/clients.js';
import { createDynamoDbSubscriberStore } from '../../src/aws/dynamodb-subscriber-store.js';
import { createDigestHandler } from '../../src/handlers/digest-handler.js';
import { LOCAL_REGION, LOCAL_CLIENT_CREDENTIALS } from '../../src/local/emulators.js';
import { runDigest } from '../../src/use-cases/run-digest/run-digest.js';
import { DEFAULT_RETRY } from '../../src/use-cases/run-digest/send.js';
import { quietLogger } from '../support/digest-memory.js';
import { useDigestStack } from '../support/digest-stack.js';
import { faults, startFaultProxy, type Fault, type FaultProxy } from '../support/fault-proxy.js';
import { buildSummary, summaryKey } from '../support/summary-fixtures.js';

const stack = useDigestStack();
beforeAll(async () => {
  const story = buildSummary({ title: 'Tram line approved' });
  await stack().putSummary(story, summaryKey(story, new Date()));
});

const credentials = LOCAL_CLIENT_CREDENTIALS;

let proxy: FaultProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

beforeEach(async () => {
  await stack().subscribeDue(['ana@example.com']);
});

/** The production SES client, talking to the emulator through a proxy that answers SendEmail with `fault`. */
async function sesWithSendEmailFault(fault: Fault) {
  proxy = await startFaultProxy({ target: stack().ses.endpoint });
  proxy.add({ name: 'SendEmail', method: 'POST', path: /^\/v2\/email\/outbound-emails/, fault });
  const sends = (log: FaultProxy['log']) => log.filter((r) => r.path.startsWith('/v2/email/outbound-emails'));
  return {
    ses: createSesClient({ AWS_REGION: LOCAL_REGION, SES_ENDPOINT: proxy.url }, { credentials }),
    sendRequests: () => sends(proxy!.log).length,
  };
}

const now = () => new Date(Date.now() + 2000);

describe('a SendEmail', () => {
  it('that never gets an answer ends as an ambiguous failure at the request timeout, not a hang', async () => {
    const { ses, sendRequests } = await sesWithSendEmailFault(faults.hang({ forward: true }));
    let hungAt: number | undefined;
    proxy!.onFault(() => (hungAt ??= Date.now()));
    const deps = stack().deps({}, { ses });
    const started = Date.now();

    const report = await runDigest(deps, now());

    const ended = Date.now();
    expect(report).toMatchObject({ sent: 0, failed: 1 });
    expect(deps.logged.find((l) => l.level === 'error')?.attributes).toMatchObject({
      code: 'SendOutcomeUnknown',
    });
    expect(ended - started).toBeGreaterThanOrEqual(SES_TIMEOUTS.requestTimeout);
    // From the moment SES had the send and the answer was held back: the run's planning before it (slow on a
    // busy machine) is not part of the attempt's bound.
    expect(hungAt).toBeDefined();
    expect(ended - (hungAt ?? 0)).toBeLessThan(SES_ATTEMPT_MAX_MS);
    expect(sendRequests()).toBe(1);
    ses.destroy();
  });

  it.each([
    ['throttles it', faults.sesThrottling()],
    ['fails with a 500', faults.sesInternalFailure()],
    ['is unavailable', faults.sesUnavailable()],
  ])('that SES refuses reaches SES once per attempt of our retry policy when SES %s', async (_, fault) => {
    const { ses, sendRequests } = await sesWithSendEmailFault(fault);

    const report = await runDigest(stack().deps({}, { ses }), now());

    expect(report).toMatchObject({ sent: 0, failed: 1 });
    expect(sendRequests()).toBe(DEFAULT_RETRY.attempts);
    ses.destroy();
  });

  it('whose connection drops after SES took it is sent once, and not again in the run', async () => {
    const { ses, sendRequests } = await sesWithSendEmailFault(faults.dropAfterForwarding());

    const report = await runDigest(stack().deps({}, { ses }), now());

    expect(report).toMatchObject({ sent: 0, failed: 1 });
    expect(sendRequests()).toBe(1);
    expect(await stack().ses.emails()).toHaveLength(1);
    ses.destroy();
  });
});

describe('a DynamoDB request', () => {
  it('that never gets an answer is given up at its deadline and retried', async () => {
    proxy = await startFaultProxy({ target: stack().dynamoDbEmulator.endpoint });
    proxy.add({ name: 'first ledger write', method: 'POST', nth: 1, fault: faults.hang() });
    const dynamodb = createDynamoDbClient(
      { AWS_REGION: LOCAL_REGION, DYNAMODB_ENDPOINT: proxy.url },
      { credentials },
    );
    const ledger = createDynamoDbSubscriberStore(dynamodb, stack().table());
    const started = Date.now();

    await ledger.recordFailure({
      subscriberId: 'abc',
      localDate: '2026-11-24',
      reason: 'test',
      code: 'Test',
      failedAt: '2026-11-24T07:00:00.000Z',
    });

    const elapsed = Date.now() - started;
    // The DynamoDB client has S3's deadlines and attempts (aws/clients.ts): one bound for every state write.
    expect(elapsed).toBeGreaterThanOrEqual(STORE_TIMEOUTS.requestTimeout);
    expect(elapsed).toBeLessThan(STORE_CALL_MAX_MS);
    expect(proxy.log.filter((r) => r.method === 'POST')).toHaveLength(2);
    dynamodb.destroy();
  });
});

describe('the digest handler', () => {
  /**
   * From the start of a SendEmail attempt to the end of the ledger write after it, each to its deadline:
   * one attempt, then three ledger writes (each with the SDK's retries) 200 and 400 ms apart.
   */
  const LONGEST_SEND_MS = SES_ATTEMPT_MAX_MS + 3 * STORE_CALL_MAX_MS + 200 + 400;

  const invoke = async (remainingMs: number) => {
    const handler = createDigestHandler(
      stack().deps(),
      quietLogger(),
      new Metrics({ namespace: 'test', singleMetric: false }),
    );
    const context = { getRemainingTimeInMillis: () => remainingMs } as unknown as Context;
    return handler({ time: now().toISOString() }, context);
  };

  it('starts no send, nor even plans, with less time left than the longest send and its ledger write can take', async () => {
    expect(await invoke(LONGEST_SEND_MS)).toMatchObject({ due: 0, sent: 0, planningCutShort: true });
    expect(await stack().ses.emails()).toHaveLength(0);
    // Not planned, so not held: the next run (with time) sends at once.
    expect(await invoke(LONGEST_SEND_MS + 1_000)).toMatchObject({ due: 1, sent: 1 });
  });

  it('sends with more time left than that', async () => {
    expect(await invoke(LONGEST_SEND_MS + 1_000)).toMatchObject({ due: 1, sent: 1, deferred: 0 });
  });
});

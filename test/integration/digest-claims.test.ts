/**
 * Send claims on s3rver, whose conditional requests the local emulator adds as S3 has them: S3 decides who
 * holds a claim, so two runs taking over one expired claim at the same time cannot both send, and a run that
 * gives a claim back after another run took it over leaves that run's claim alone.
 */
import { type S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { createS3Client } from '../../src/aws/clients.js';
import { createS3Ledger } from '../../src/aws/s3-ledger.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/local/emulators.js';
import { CLAIM_LEASE_MS } from '../../src/use-cases/run-digest/ports.js';
import { TEST_BUCKET, useDigestStack } from '../support/digest-stack.js';

const stack = useDigestStack();

const DATE = '2026-11-24';
const CLAIMED = new Date('2026-11-24T07:00:00Z');
const EXPIRED = new Date(CLAIMED.getTime() + CLAIM_LEASE_MS);
const LATER = new Date(EXPIRED.getTime() + 60_000);

let run = 0;
const statePrefix = () => `claims-${++run}/`;

/**
 * An S3 client on the emulator that holds every write that is not a first claim (If-None-Match) until
 * `readers` claim reads have been answered: the runs all read the expired claim before any takes it over.
 */
function clientRacingTakeovers(readers: number): S3Client {
  const client = createS3Client(
    { AWS_REGION: LOCAL_REGION, S3_ENDPOINT: stack().s3Emulator.endpoint },
    {
      credentials: {
        accessKeyId: LOCAL_CREDENTIALS.AWS_ACCESS_KEY_ID,
        secretAccessKey: LOCAL_CREDENTIALS.AWS_SECRET_ACCESS_KEY,
      },
    },
  );
  let reads = 0;
  let allRead: () => void = () => undefined;
  const everyoneHasRead = new Promise<void>((resolve) => (allRead = resolve));
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { IfNoneMatch?: string };
      if (context.commandName === 'PutObjectCommand' && input.IfNoneMatch !== '*') await everyoneHasRead;
      const result = await next(args);
      if (context.commandName === 'GetObjectCommand' && ++reads === readers) allRead();
      return result;
    },
    { step: 'initialize', name: 'raceTakeovers' },
  );
  return client;
}

describe('a send claim on S3', () => {
  it('that two runs take over at the same time goes to exactly one of them', async () => {
    const s3 = clientRacingTakeovers(2);
    const ledger = createS3Ledger(s3, TEST_BUCKET, statePrefix());
    await ledger.claim('abc', DATE, CLAIMED);

    const takeovers = await Promise.all([
      ledger.claim('abc', DATE, EXPIRED),
      ledger.claim('abc', DATE, EXPIRED),
    ]);

    expect(takeovers.filter((claim) => claim !== undefined)).toHaveLength(1);
    s3.destroy();
  });

  it('given back by a run after another run took it over stays with the other run', async () => {
    const ledger = createS3Ledger(stack().s3, TEST_BUCKET, statePrefix());
    const stale = await ledger.claim('abc', DATE, CLAIMED);
    const current = await ledger.claim('abc', DATE, EXPIRED);

    await ledger.release(stale!);

    expect(current).toBeDefined();
    expect(await ledger.claim('abc', DATE, LATER)).toBeUndefined();
    await ledger.release(current!);
    expect(await ledger.claim('abc', DATE, LATER)).toBeDefined();
  });

  it('is taken by one of many runs starting at the same time', async () => {
    const ledger = createS3Ledger(stack().s3, TEST_BUCKET, statePrefix());

    const claims = await Promise.all(Array.from({ length: 8 }, () => ledger.claim('abc', DATE, CLAIMED)));

    expect(claims.filter((claim) => claim !== undefined)).toHaveLength(1);
  });
});

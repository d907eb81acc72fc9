/**
 * The S3 state adapters against a mocked S3 client: the conditional requests each path sends (the races they
 * decide are in test/integration/digest-claims.test.ts), and no HEAD anywhere (a prefix-scoped role gets 403
 * for a HEAD of a missing key).
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createS3Ledger } from '../../../src/aws/s3-ledger.js';
import { createS3Unsubscribes } from '../../../src/aws/s3-unsubscribes.js';

const s3 = mockClient(S3Client);
// The mocks patch every client of the class in this worker: give the real ones back for the next file.
afterAll(() => {
  s3.restore();
});
afterEach(() => s3.reset());

const preconditionFailed = () =>
  new S3ServiceException({
    name: 'PreconditionFailed',
    $fault: 'client',
    $metadata: { httpStatusCode: 412 },
    message: 'At least one of the pre-conditions you specified did not hold',
  });
/** What S3 answers a conditional write that meets another one on the same key in progress. */
const conflict = () =>
  new S3ServiceException({
    name: 'ConditionalRequestConflict',
    $fault: 'client',
    $metadata: { httpStatusCode: 409 },
    message: 'The conditional request cannot succeed due to a conflicting operation against this resource.',
  });
/** Just the part of a streaming body the adapters use. */
const body = (value: unknown) =>
  ({ transformToString: async () => JSON.stringify(value) }) as unknown as GetObjectCommandOutput['Body'];

describe('S3 digest state', () => {
  it('claims with a conditional put, respects a live claim and takes over an expired one only if unchanged', async () => {
    s3.on(PutObjectCommand, { IfNoneMatch: '*' }).rejects(preconditionFailed());
    s3.on(PutObjectCommand, { IfMatch: '"held"' }).resolves({ ETag: '"mine"' });
    s3.on(GetObjectCommand).resolves({
      Body: body({ claimedAt: '2026-11-24T07:00:00.000Z' }),
      ETag: '"held"',
    });
    const ledger = createS3Ledger(new S3Client({}), 'b', 'state/');

    const live = await ledger.claim('abc', '2026-11-24', new Date('2026-11-24T07:05:00Z'));
    const expired = await ledger.claim('abc', '2026-11-24', new Date('2026-11-24T07:30:00Z'));

    expect([live, expired]).toEqual([
      undefined,
      { subscriberId: 'abc', localDate: '2026-11-24', token: '"mine"' },
    ]);
    expect(
      s3
        .commandCalls(PutObjectCommand)
        .map((c) => [c.args[0].input.Key, c.args[0].input.IfNoneMatch, c.args[0].input.IfMatch]),
    ).toEqual([
      ['state/claims/abc/2026-11-24.json', '*', undefined],
      ['state/claims/abc/2026-11-24.json', '*', undefined],
      ['state/claims/abc/2026-11-24.json', undefined, '"held"'],
    ]);
  });

  it('loses a takeover when another run changed the claim after it was read', async () => {
    s3.on(PutObjectCommand).rejects(preconditionFailed());
    s3.on(GetObjectCommand).resolves({
      Body: body({ claimedAt: '2026-11-24T07:00:00.000Z' }),
      ETag: '"held"',
    });
    const ledger = createS3Ledger(new S3Client({}), 'b', 'state/');

    expect(await ledger.claim('abc', '2026-11-24', new Date('2026-11-24T07:30:00Z'))).toBeUndefined();
  });

  it('releases only its own claim: a conditional delete with the ETag it wrote', async () => {
    s3.on(DeleteObjectCommand).rejects(preconditionFailed());
    const ledger = createS3Ledger(new S3Client({}), 'b', 'state/');

    await ledger.release({ subscriberId: 'abc', localDate: '2026-11-24', token: '"mine"' });

    expect(s3.commandCalls(DeleteObjectCommand).map((c) => c.args[0].input)).toEqual([
      { Bucket: 'b', Key: 'state/claims/abc/2026-11-24.json', IfMatch: '"mine"' },
    ]);
  });

  it("checks today's ledger entry by listing, never by HEAD", async () => {
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'state/ledger/abc/2026-11-24.json' }] });
    const ledger = createS3Ledger(new S3Client({}), 'b', 'state/');

    expect(await ledger.has('abc', '2026-11-24')).toBe(true);
    expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(0);
  });

  it('records an unsubscribe once: a second conditional put finds it there', async () => {
    s3.on(PutObjectCommand).resolvesOnce({}).rejects(preconditionFailed());
    const unsubscribes = createS3Unsubscribes(new S3Client({}), 'b', 'state/');

    const first = await unsubscribes.add('abc', new Date('2026-11-24T07:00:00Z'));
    const second = await unsubscribes.add('abc', new Date('2026-11-24T07:01:00Z'));

    expect([first, second]).toEqual([true, false]);
    expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(0);
  });
});

describe('a conditional write racing another on the same key (S3 answers 409 ConditionalRequestConflict)', () => {
  const unsubscribes = () => createS3Unsubscribes(new S3Client({}), 'b', 'state/');
  const puts = () => s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.IfNoneMatch);

  it('records the unsubscribe on the second try when the other write did not create the key', async () => {
    s3.on(PutObjectCommand).rejectsOnce(conflict()).resolves({ ETag: '"u"' });

    expect(await unsubscribes().add('abc', new Date('2026-11-24T07:00:00Z'))).toBe(true);
    expect(puts()).toEqual(['*', '*']);
  });

  it('finds the unsubscribe recorded when the other write created the key (412 on the second try)', async () => {
    s3.on(PutObjectCommand).rejectsOnce(conflict()).rejects(preconditionFailed());

    expect(await unsubscribes().add('abc', new Date('2026-11-24T07:00:00Z'))).toBe(false);
    expect(puts()).toEqual(['*', '*']);
  });

  it('tries only once more: a second 409 is an error', async () => {
    s3.on(PutObjectCommand).rejects(conflict());

    await expect(unsubscribes().add('abc', new Date('2026-11-24T07:00:00Z'))).rejects.toMatchObject({
      name: 'ConditionalRequestConflict',
    });
    expect(puts()).toEqual(['*', '*']);
  });

  it('leaves a send claim to the run that won the race instead of failing the subscriber', async () => {
    s3.on(PutObjectCommand, { IfNoneMatch: '*' }).rejectsOnce(conflict()).rejects(preconditionFailed());
    s3.on(GetObjectCommand).resolves({
      Body: body({ claimedAt: '2026-11-24T07:00:00.000Z' }),
      ETag: '"theirs"',
    });
    const ledger = createS3Ledger(new S3Client({}), 'b', 'state/');

    expect(await ledger.claim('abc', '2026-11-24', new Date('2026-11-24T07:00:01Z'))).toBeUndefined();
    expect(puts()).toEqual(['*', '*']);
  });

  it('is not tried again for an If-Match takeover: there a 409 means another run took the claim first', async () => {
    s3.on(PutObjectCommand, { IfNoneMatch: '*' }).rejects(preconditionFailed());
    s3.on(PutObjectCommand, { IfMatch: '"held"' }).rejects(conflict());
    s3.on(GetObjectCommand).resolves({
      Body: body({ claimedAt: '2026-11-24T07:00:00.000Z' }),
      ETag: '"held"',
    });
    const ledger = createS3Ledger(new S3Client({}), 'b', 'state/');

    expect(await ledger.claim('abc', '2026-11-24', new Date('2026-11-24T07:30:00Z'))).toBeUndefined();
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(2);
  });
});

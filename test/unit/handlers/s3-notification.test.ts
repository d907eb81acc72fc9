import { readFileSync } from 'node:fs';
import { S3Schema } from '@aws-lambda-powertools/parser/schemas';
import { describe, expect, it } from 'vitest';
import { s3NotificationSchema } from '../../../src/handlers/s3-notification.js';

const put = JSON.parse(readFileSync(new URL('../../../events/s3-put.json', import.meta.url), 'utf8')) as {
  Records: Array<Record<string, unknown> & { s3: { object: Record<string, unknown> } }>;
};
const record = put.Records[0]!;

/** The local schema replaces Powertools' S3Schema (a dev dependency now, kept as this test's reference). */
describe('s3NotificationSchema', () => {
  const cases: Array<[string, unknown]> = [
    ['the sample PUT event', put],
    [
      'a record from the S3 service itself',
      { Records: [{ ...record, requestParameters: { sourceIPAddress: 's3.amazonaws.com' } }] },
    ],
    [
      'a versioned object',
      { Records: [{ ...record, s3: { ...record.s3, object: { ...record.s3.object, versionId: 'v1' } } }] },
    ],
    ['no records', { Records: [] }],
    ['another event source', { Records: [{ ...record, eventSource: 'aws:sqs' }] }],
    ['a bad event time', { Records: [{ ...record, eventTime: 'yesterday' }] }],
    [
      'a hostname as source address',
      { Records: [{ ...record, requestParameters: { sourceIPAddress: 'example.com' } }] },
    ],
    ['a key that is not a string', { Records: [{ ...record, s3: { ...record.s3, object: { key: 42 } } }] }],
    ['not an S3 event', { hello: 'world' }],
    ['null', null],
  ];

  it.each(cases)('agrees with Powertools S3Schema on %s', (_, event) => {
    // Act
    const ours = s3NotificationSchema.safeParse(event);
    const theirs = S3Schema.safeParse(event);

    // Assess
    expect(ours.success).toBe(theirs.success);
    if (ours.success && theirs.success) expect(ours.data).toEqual(theirs.data);
  });

  it('accepts an upload through the dual-stack endpoint, from an IPv6 address (Powertools refuses it)', () => {
    // Prepare
    const event = { Records: [{ ...record, requestParameters: { sourceIPAddress: '2001:db8::17' } }] };

    // Act / Assess
    expect(s3NotificationSchema.safeParse(event).success).toBe(true);
    expect(S3Schema.safeParse(event).success).toBe(false);
  });
});

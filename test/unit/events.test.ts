import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { LambdaFunctionURLEvent, S3Event } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { seedArticleBytes } from '../support/samples.js';

const event = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`../../events/${name}`, import.meta.url), 'utf8')) as T;

/** The events under events/ are fed to the real handlers (`serverless invoke local`, docs/development.md). */
describe('the sample events', () => {
  it('describe the seed sample as S3 stores it, so invoke local summarizes it instead of calling it superseded', () => {
    // docs/development.md uploads samples/dam-evacuation.txt with one PUT: S3's ETag is then its MD5.
    const sample = seedArticleBytes();
    const object = event<S3Event>('s3-put.json').Records[0]?.s3.object;

    expect(object?.size).toBe(sample.byteLength);
    expect(object?.eTag).toBe(createHash('md5').update(sample).digest('hex'));
  });

  it.each(['unsubscribe-get.json', 'unsubscribe-post.json'])(
    '%s has one request time, as text and as epoch milliseconds',
    (name) => {
      const { time, timeEpoch } = event<LambdaFunctionURLEvent>(name).requestContext;
      // "24/Nov/2026:07:05:00 +0000"
      const [, day, month, year, clock] = /^(\d\d)\/(\w{3})\/(\d{4}):(\S+) \+0000$/.exec(time) ?? [];

      expect(new Date(`${day} ${month} ${year} ${clock} UTC`).getTime()).toBe(timeEpoch);
    },
  );
});

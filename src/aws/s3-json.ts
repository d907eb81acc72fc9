/** JSON objects in S3: the shared mechanics under the summary, failure, ledger and subscriber adapters. */
import {
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3ServiceException,
  type S3Client,
} from '@aws-sdk/client-s3';

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export async function putJson(s3: S3Client, bucket: string, key: string, value: unknown): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: JSON.stringify(value, null, 2),
      ContentType: JSON_CONTENT_TYPE,
    }),
  );
}

/**
 * Writes only when `key` is free and returns whether it wrote: S3's conditional put (If-None-Match: *) is
 * atomic, and needs no HEAD first (which a role without s3:ListBucket gets 403 for on a missing key).
 */
export async function putJsonIfAbsent(
  s3: S3Client,
  bucket: string,
  key: string,
  value: unknown,
): Promise<boolean> {
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: JSON.stringify(value, null, 2),
        ContentType: JSON_CONTENT_TYPE,
        IfNoneMatch: '*',
      }),
    );
    return true;
  } catch (error: unknown) {
    if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 412) return false;
    throw error;
  }
}

/** The parsed JSON at `key`, or undefined when there is no such object. */
export async function getJson(s3: S3Client, bucket: string, key: string): Promise<unknown> {
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return JSON.parse((await response.Body?.transformToString('utf-8')) ?? 'null');
  } catch (error: unknown) {
    if (error instanceof NoSuchKey) return undefined;
    throw error;
  }
}

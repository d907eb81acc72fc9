/**
 * Objects in the bucket: listing, reading and writing JSON. The shared mechanics under every S3 adapter.
 * Nothing here HEADs or GETs a key that may be missing without knowing it exists: a role that may list only
 * some prefixes gets 403, not 404, for a missing key.
 */
import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3ServiceException,
  type S3Client,
  type _Object,
} from '@aws-sdk/client-s3';

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

const putJsonCommand = (bucket: string, key: string, value: unknown, ifNoneMatch?: '*') =>
  new PutObjectCommand({
    Bucket: bucket,
    Key: key,
    Body: JSON.stringify(value, null, 2),
    ContentType: JSON_CONTENT_TYPE,
    IfNoneMatch: ifNoneMatch,
  });

export async function putJson(s3: S3Client, bucket: string, key: string, value: unknown): Promise<void> {
  await s3.send(putJsonCommand(bucket, key, value));
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
    await s3.send(putJsonCommand(bucket, key, value, '*'));
    return true;
  } catch (error: unknown) {
    if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 412) return false;
    throw error;
  }
}

export async function listAll(
  s3: S3Client,
  bucket: string,
  prefix: string,
  startAfter?: string,
): Promise<_Object[]> {
  const objects: _Object[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        ...(startAfter !== undefined && { StartAfter: startAfter }),
        ...(token !== undefined && { ContinuationToken: token }),
      }),
    );
    objects.push(...(page.Contents ?? []));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return objects;
}

/** Whether `key` exists, asked as a listing (allowed by a prefix-scoped s3:ListBucket, unlike HEAD). */
export async function keyExists(s3: S3Client, bucket: string, key: string): Promise<boolean> {
  const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key, MaxKeys: 1 }));
  return (page.Contents ?? []).some((o) => o.Key === key);
}

/** The object's text, or undefined when there is no such key. */
export async function readText(s3: S3Client, bucket: string, key: string): Promise<string | undefined> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await object.Body?.transformToString('utf-8')) ?? '';
  } catch (error: unknown) {
    if (error instanceof NoSuchKey || (error instanceof Error && error.name === 'NoSuchKey'))
      return undefined;
    throw error;
  }
}

/** Parsed JSON, or the raw text when it is not JSON (schema validation then reports it). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The parsed JSON at `key`, or undefined when there is no such object. */
export async function getJson(s3: S3Client, bucket: string, key: string): Promise<unknown> {
  const text = await readText(s3, bucket, key);
  return text === undefined ? undefined : parseJson(text);
}

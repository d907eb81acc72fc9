/**
 * Listing a prefix, reading raw object text, and writes that never need HEAD: what the digest adapters need
 * beyond `s3-json.ts`. Why no HEAD: S3 answers a HEAD of a missing key with 403 (not 404) unless the caller
 * may list the whole bucket, and the digest roles may list only their own prefixes.
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

/** Whether `key` exists, asked as a listing (allowed by a prefix-scoped s3:ListBucket, unlike HEAD). */
export async function keyExists(s3: S3Client, bucket: string, key: string): Promise<boolean> {
  const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key, MaxKeys: 1 }));
  return (page.Contents ?? []).some((o) => o.Key === key);
}

/**
 * Writes only when `key` is free (S3 conditional put, If-None-Match: *), returning whether it wrote. Atomic
 * on AWS; emulators that ignore the header simply overwrite, which tests account for.
 */
export async function putJsonIfNoneMatch(
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
        ContentType: 'application/json; charset=utf-8',
        IfNoneMatch: '*',
      }),
    );
    return true;
  } catch (error: unknown) {
    if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 412) return false;
    throw error;
  }
}

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
  type PutObjectCommandOutput,
  type S3Client,
  type _Object,
} from '@aws-sdk/client-s3';

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** The precondition of a conditional write: the key is free, or its object still has this ETag. */
export type WriteCondition = { ifNoneMatch: '*' } | { ifMatch: string };

const putJsonCommand = (bucket: string, key: string, value: unknown, condition?: WriteCondition) =>
  new PutObjectCommand({
    Bucket: bucket,
    Key: key,
    Body: JSON.stringify(value, null, 2),
    ContentType: JSON_CONTENT_TYPE,
    ...(condition && 'ifNoneMatch' in condition && { IfNoneMatch: condition.ifNoneMatch }),
    ...(condition && 'ifMatch' in condition && { IfMatch: condition.ifMatch }),
  });

export async function putJson(s3: S3Client, bucket: string, key: string, value: unknown): Promise<void> {
  await s3.send(putJsonCommand(bucket, key, value));
}

/**
 * A precondition that did not hold: 412 when the object is not as expected; and for an `If-Match`, also
 * NoSuchKey (404) when the object is gone and ConditionalRequestConflict (409) when a concurrent write to
 * the key got there first.
 */
function conditionFailed(error: unknown, ifMatch: boolean): boolean {
  if (!(error instanceof S3ServiceException)) return false;
  if (error.$metadata.httpStatusCode === 412) return true;
  return ifMatch && (error.name === 'NoSuchKey' || error.name === 'ConditionalRequestConflict');
}

/**
 * S3 answered 409 because another conditional request on the same key was in progress (two invocations
 * creating the same summary, or the same day's LLM call counter): nothing was written and the outcome is
 * undecided, so S3 asks for the write to be tried again. Not retried by the SDK (it retries 5xx and
 * throttling only).
 */
function concurrentConflict(error: unknown): boolean {
  return (
    error instanceof S3ServiceException &&
    error.$metadata.httpStatusCode === 409 &&
    (error.name === 'ConditionalRequestConflict' || error.name === 'OperationAborted')
  );
}

/** The pause before an `If-None-Match` write is tried again after a 409: long enough for the other write. */
const CONFLICT_RETRY_DELAY_MS = { min: 50, max: 150 };

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Writes only when `condition` holds, atomically in S3 (no read first, which a role without s3:ListBucket
 * gets 403 for on a missing key). Returns S3's answer (with the new ETag), or undefined when it did not hold.
 *
 * An `If-None-Match: *` write that meets a concurrent one (409 ConditionalRequestConflict) is tried once
 * more after a short, jittered pause: by then the other write has finished, and S3 answers 412 when it
 * created the key (the key is taken: undefined) or lets this write through when it did not. A second 409
 * is thrown, like any other error. For an `If-Match`, a 409 already means another write got there first.
 */
export async function putJsonIf(
  s3: S3Client,
  bucket: string,
  key: string,
  value: unknown,
  condition: WriteCondition,
): Promise<PutObjectCommandOutput | undefined> {
  const ifMatch = 'ifMatch' in condition;
  const attempt = async (retryOnConflict: boolean): Promise<PutObjectCommandOutput | undefined> => {
    try {
      return await s3.send(putJsonCommand(bucket, key, value, condition));
    } catch (error: unknown) {
      if (conditionFailed(error, ifMatch)) return undefined;
      if (retryOnConflict && concurrentConflict(error)) {
        const { min, max } = CONFLICT_RETRY_DELAY_MS;
        await pause(min + Math.random() * (max - min));
        return attempt(false);
      }
      throw error;
    }
  };
  return attempt(!ifMatch);
}

/**
 * Writes only when `key` is free (If-None-Match: *) and returns whether it wrote: false when the key was
 * already taken, or was taken by a write racing this one (a 409, then 412 on the second try).
 */
export async function putJsonIfAbsent(
  s3: S3Client,
  bucket: string,
  key: string,
  value: unknown,
): Promise<boolean> {
  return (await putJsonIf(s3, bucket, key, value, { ifNoneMatch: '*' })) !== undefined;
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

/** Whether S3 answered with this HTTP status (a HEAD has no body, so its answer is only its status). */
export function isStatus(error: unknown, status: number): boolean {
  return error instanceof S3ServiceException && error.$metadata.httpStatusCode === status;
}

/** Whether `key` exists, asked as a listing (allowed by a prefix-scoped s3:ListBucket, unlike HEAD). */
export async function keyExists(s3: S3Client, bucket: string, key: string): Promise<boolean> {
  const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key, MaxKeys: 1 }));
  return (page.Contents ?? []).some((o) => o.Key === key);
}

/** The object's text and ETag, or undefined when there is no such key. */
export async function readObject(
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<{ text: string; etag: string | undefined } | undefined> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return { text: (await object.Body?.transformToString('utf-8')) ?? '', etag: object.ETag };
  } catch (error: unknown) {
    if (error instanceof NoSuchKey || (error instanceof Error && error.name === 'NoSuchKey'))
      return undefined;
    throw error;
  }
}

/** The object's text, or undefined when there is no such key. */
export async function readText(s3: S3Client, bucket: string, key: string): Promise<string | undefined> {
  return (await readObject(s3, bucket, key))?.text;
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

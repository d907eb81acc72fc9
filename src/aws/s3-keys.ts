/**
 * Listing a prefix and reading raw object text: what the digest adapters need beyond `s3-json.ts`.
 */
import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
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

/** Summary and failure records as JSON objects in the bucket. */
import type { S3Client } from '@aws-sdk/client-s3';
import type { FailureStore, SummaryStore } from '../use-cases/summarize-upload/ports.js';
import { putJson, putJsonIfAbsent } from './s3-objects.js';

export function createS3SummaryStore(s3: S3Client, bucket: string): SummaryStore {
  return { putIfAbsent: (key, summary) => putJsonIfAbsent(s3, bucket, key, summary) };
}

export function createS3FailureStore(s3: S3Client, bucket: string): FailureStore {
  return { put: (key, record) => putJson(s3, bucket, key, record) };
}

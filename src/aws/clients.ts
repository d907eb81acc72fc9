/**
 * SDK clients, built once per cold start by the wiring. Pointing them at a local endpoint switches on what
 * S3-compatible emulators need: path-style addressing, and checksums only when required (otherwise a
 * streamed body is stored with aws-chunked framing by s3rver).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { AwsConfig } from '../config.js';

export function createS3Client(aws: Pick<AwsConfig, 'AWS_REGION' | 'S3_ENDPOINT'>): S3Client {
  return new S3Client({
    region: aws.AWS_REGION,
    ...(aws.S3_ENDPOINT && {
      endpoint: aws.S3_ENDPOINT,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    }),
  });
}

export function createSesClient(aws: Pick<AwsConfig, 'AWS_REGION' | 'SES_ENDPOINT'>): SESv2Client {
  return new SESv2Client({
    region: aws.AWS_REGION,
    ...(aws.SES_ENDPOINT && { endpoint: aws.SES_ENDPOINT }),
  });
}

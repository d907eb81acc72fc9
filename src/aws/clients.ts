/**
 * SDK clients, built once per cold start by the wiring. Pointing them at a local endpoint switches on what
 * S3-compatible emulators need: path-style addressing, and checksums only when required (otherwise a
 * streamed body is stored with aws-chunked framing by s3rver).
 */
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { SESv2Client, type SESv2ClientConfig } from '@aws-sdk/client-sesv2';
import type { AwsConfig } from '../config.js';

/** `extra` lets tests and local tools pass explicit (fake) credentials instead of touching process.env. */
export function createS3Client(
  aws: Pick<AwsConfig, 'AWS_REGION' | 'S3_ENDPOINT'>,
  extra: S3ClientConfig = {},
): S3Client {
  return new S3Client({
    ...extra,
    region: aws.AWS_REGION,
    ...(aws.S3_ENDPOINT && {
      endpoint: aws.S3_ENDPOINT,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    }),
  });
}

export function createSesClient(
  aws: Pick<AwsConfig, 'AWS_REGION' | 'SES_ENDPOINT'>,
  extra: SESv2ClientConfig = {},
): SESv2Client {
  return new SESv2Client({
    ...extra,
    region: aws.AWS_REGION,
    ...(aws.SES_ENDPOINT && { endpoint: aws.SES_ENDPOINT }),
  });
}

/** An emulator-backed S3 client for integration tests, with fixed fake credentials (never real ones). */
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { LOCAL_REGION, LOCAL_CLIENT_CREDENTIALS } from '../../src/local/emulators.js';

export function emulatorS3Client(endpoint: string): S3Client {
  return new S3Client(emulatorS3Config(endpoint));
}

/** The client settings s3rver needs: path-style addressing, checksums only when required, fake credentials. */
export function emulatorS3Config(endpoint: string): S3ClientConfig {
  return {
    region: LOCAL_REGION,
    endpoint,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    credentials: LOCAL_CLIENT_CREDENTIALS,
  };
}

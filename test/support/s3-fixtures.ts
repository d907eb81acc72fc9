/** An emulator-backed S3 client for integration tests, with fixed fake credentials (never real ones). */
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/local/emulators.js';

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
    credentials: {
      accessKeyId: LOCAL_CREDENTIALS.AWS_ACCESS_KEY_ID,
      secretAccessKey: LOCAL_CREDENTIALS.AWS_SECRET_ACCESS_KEY,
    },
  };
}

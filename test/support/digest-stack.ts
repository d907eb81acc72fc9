/**
 * The digest against real emulators: s3rver + aws-ses-v2-local on random ports, production adapters
 * wired by `digestDeps`, fake credentials passed to the clients (process.env untouched).
 */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createS3Client, createSesClient } from '../../src/aws/clients.js';
import { loadDigestConfig, type DigestConfig } from '../../src/config.js';
import type { DigestDeps } from '../../src/use-cases/run-digest/run-digest.js';
import { digestDeps } from '../../src/handlers/digest-handler.js';
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  startS3Emulator,
  startSesEmulator,
  type S3Emulator,
  type SesEmulator,
} from '../../src/local/emulators.js';
import type { Summary } from '../../src/summary/schema.js';
import { memoryLog } from './digest-memory.js';

export const TEST_BUCKET = 'digest-test-bucket';
export const TEST_SECRET = 'test-secret-0123456789-0123456789-abcdef';
export const TEST_UNSUBSCRIBE_URL = 'https://unsubscribe.example.com/';

const credentials = {
  accessKeyId: LOCAL_CREDENTIALS.AWS_ACCESS_KEY_ID,
  secretAccessKey: LOCAL_CREDENTIALS.AWS_SECRET_ACCESS_KEY,
};

export interface DigestStack {
  s3Emulator: S3Emulator;
  ses: SesEmulator;
  s3: S3Client;
  sesClient: SESv2Client;
  config(env?: Record<string, string>): DigestConfig;
  /** Production deps over the emulators, with instant sleeps and a recording log. */
  deps(
    env?: Record<string, string>,
    clients?: { ses?: SESv2Client },
  ): DigestDeps & { logged: ReturnType<typeof memoryLog>['logged'] };
  /** A second SES client on the emulator, e.g. to add fault-injecting middleware to. */
  newSesClient(): SESv2Client;
  putSummary(summary: Summary, key: string): Promise<void>;
  putJson(key: string, value: unknown): Promise<void>;
  close(): Promise<void>;
}

export async function startDigestStack(): Promise<DigestStack> {
  const s3Emulator = await startS3Emulator({ buckets: [TEST_BUCKET] });
  const ses = await startSesEmulator();
  const aws = { AWS_REGION: LOCAL_REGION, S3_ENDPOINT: s3Emulator.endpoint, SES_ENDPOINT: ses.endpoint };
  const s3 = createS3Client(aws, { credentials });
  const sesClient = createSesClient(aws, { credentials });
  const config = (env: Record<string, string> = {}) =>
    loadDigestConfig({
      ...aws,
      BUCKET: TEST_BUCKET,
      SENDER_EMAIL: 'digest@example.com',
      UNSUBSCRIBE_URL: TEST_UNSUBSCRIBE_URL,
      LINK_SIGNING_SECRET: TEST_SECRET,
      ...env,
    });
  const putJson = async (key: string, value: unknown) => {
    await s3.send(new PutObjectCommand({ Bucket: TEST_BUCKET, Key: key, Body: JSON.stringify(value) }));
  };
  return {
    s3Emulator,
    ses,
    s3,
    sesClient,
    config,
    deps(env, clients) {
      const log = memoryLog();
      return {
        ...digestDeps(config(env), { s3, ses: clients?.ses ?? sesClient }),
        sleep: async () => undefined,
        hasTimeLeft: () => true,
        log,
        logged: log.logged,
      };
    },
    newSesClient: () => createSesClient(aws, { credentials }),
    putSummary: (summary, key) => putJson(key, summary),
    putJson,
    async close() {
      s3.destroy();
      sesClient.destroy();
      await Promise.all([s3Emulator.close(), ses.close()]);
    },
  };
}

/** Starts the stack once for a test file, clears the SES store before each test, closes it at the end. */
export function useDigestStack(): () => DigestStack {
  let stack: DigestStack | undefined;
  beforeAll(async () => {
    stack = await startDigestStack();
  });
  afterAll(async () => {
    await stack?.close();
  });
  beforeEach(async () => {
    await stack?.ses.clear();
  });
  return () => {
    if (!stack) throw new Error('the digest stack is not started (use it inside tests)');
    return stack;
  };
}

/**
 * dynalite on 127.0.0.1 and an SDK client for it, for one test file: started before its tests, closed after.
 * Each test makes its own table (`createDigestTable` with a random name), so tests never see each other's items.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { createDynamoDbClient } from '../../src/aws/clients.js';
import { startDynamoDbEmulator, type DynamoDbEmulator } from '../../src/local/dynamodb-emulator.js';
import { LOCAL_CLIENT_CREDENTIALS, LOCAL_REGION } from '../../src/local/emulators.js';

export function localDynamoDbForTests(): { readonly client: DynamoDBClient; readonly endpoint: string } {
  let emulator: DynamoDbEmulator | undefined;
  let client: DynamoDBClient | undefined;
  beforeAll(async () => {
    emulator = await startDynamoDbEmulator();
    client = createDynamoDbClient(
      { AWS_REGION: LOCAL_REGION, DYNAMODB_ENDPOINT: emulator.endpoint },
      { credentials: LOCAL_CLIENT_CREDENTIALS },
    );
  });
  afterAll(async () => {
    client?.destroy();
    await emulator?.close();
  });
  return {
    get client() {
      if (client === undefined) throw new Error('the local DynamoDB client is only there inside the tests');
      return client;
    },
    /** For code that builds its own client (`DYNAMODB_ENDPOINT`), or a proxy in front of dynalite. */
    get endpoint() {
      if (emulator === undefined) throw new Error('the local DynamoDB is only there inside the tests');
      return emulator.endpoint;
    },
  };
}

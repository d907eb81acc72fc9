/** The local stack as the signup tests start it: the seed article summarized, and a store on its table. */
import { createDynamoDbClient } from '../../src/aws/clients.js';
import { createDynamoDbSubscriberStore } from '../../src/aws/dynamodb-subscriber-store.js';
import { LOCAL_CLIENT_CREDENTIALS, LOCAL_REGION } from '../../src/local/emulators.js';
import { startLocalStack, type LocalStack } from '../../src/local/local-stack.js';
import { SEED_ARTICLE_PATH } from './samples.js';

export type SubscriberTable = ReturnType<typeof createDynamoDbSubscriberStore>;

/** So a digest run has something to send, and the test can read and write subscribers directly. */
export async function startSeededStack(): Promise<{ stack: LocalStack; store: SubscriberTable }> {
  const stack = await startLocalStack({ quietLogs: true });
  await stack.upload(SEED_ARTICLE_PATH);
  await stack.settled();
  const store = createDynamoDbSubscriberStore(
    createDynamoDbClient(
      { AWS_REGION: LOCAL_REGION, DYNAMODB_ENDPOINT: stack.dynamoDb.endpoint },
      { credentials: LOCAL_CLIENT_CREDENTIALS },
    ),
    stack.table,
  );
  return { stack, store };
}

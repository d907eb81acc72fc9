/**
 * Lambda entry (`src/handlers/digest.main`): loads config once per cold start (with the link signing
 * secrets from Secrets Manager when only their ARNs are configured) and wires the DynamoDB, S3, SES and
 * SQS adapters.
 */
import { createDynamoDbClient, createS3Client, createSesClient, createSqsClient } from '../aws/clients.js';
import { once, withLinkSigningSecrets } from '../aws/secret.js';
import { loadDigestConfig, loadWithSecrets } from '../config.js';
import { createDigestHandler, digestDeps } from './digest-handler.js';

const wiring = once(async () => {
  const config = await loadWithSecrets(loadDigestConfig, withLinkSigningSecrets);
  return digestDeps(config, {
    s3: createS3Client(config),
    ses: createSesClient(config),
    dynamodb: createDynamoDbClient(config),
    ...(config.DIGEST_SEND_QUEUE_URL !== undefined && { sqs: createSqsClient(config) }),
  });
});

export const main = createDigestHandler(wiring);

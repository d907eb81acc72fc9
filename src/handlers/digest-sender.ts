/**
 * Lambda entry (`src/handlers/digest-sender.main`), triggered by the digest send queue: loads config once
 * per cold start (with the link signing secrets from Secrets Manager when only their ARNs are configured)
 * and wires the DynamoDB, S3 and SES adapters.
 */
import { createDynamoDbClient, createS3Client, createSesClient } from '../aws/clients.js';
import { once, withLinkSigningSecrets } from '../aws/secret.js';
import { loadDigestConfig, loadWithSecrets } from '../config.js';
import { createDigestSenderHandler, senderDeps } from './digest-sender-handler.js';

const wiring = once(async () => {
  const config = await loadWithSecrets(loadDigestConfig, withLinkSigningSecrets);
  return senderDeps(config, {
    s3: createS3Client(config),
    ses: createSesClient(config),
    dynamodb: createDynamoDbClient(config),
  });
});

export const main = createDigestSenderHandler(wiring);

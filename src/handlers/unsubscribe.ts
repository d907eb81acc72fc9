/**
 * Lambda entry (`src/handlers/unsubscribe.main`, behind a function URL): config once per cold start, the
 * unsubscribe signing secrets read from Secrets Manager when only their ARN (`UNSUBSCRIBE_SIGNING_SECRET_ID`)
 * is configured, and read again when a token names a key rotated in since.
 */
import { createDynamoDbClient } from '../aws/clients.js';
import { createDynamoDbSubscriberStore } from '../aws/dynamodb-subscriber-store.js';
import { createSecretsManagerSource, once, withLinkSigningSecrets } from '../aws/secret.js';
import { loadLinkEndpointConfig, loadWithSecrets } from '../config.js';
import { rereadingSecrets } from '../links/link-secrets.js';
import { createUnsubscribeHandler } from './unsubscribe-handler.js';

const secretSource = createSecretsManagerSource();
const loadConfig = () =>
  loadWithSecrets(
    (env) => loadLinkEndpointConfig('unsubscribe', env),
    (env) => withLinkSigningSecrets(env, secretSource),
  );

const deps = once(async () => {
  const config = await loadConfig();
  return {
    secrets: rereadingSecrets(config.linkSecrets, async () => (await loadConfig()).linkSecrets),
    unsubscribes: createDynamoDbSubscriberStore(createDynamoDbClient(config), config.DIGEST_TABLE),
    now: () => new Date(),
  };
});

export const main = createUnsubscribeHandler(deps);

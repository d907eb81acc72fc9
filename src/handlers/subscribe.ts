/**
 * Lambda entry (`src/handlers/subscribe.main`, behind a function URL): config once per cold start, the
 * subscribe signing secret read from Secrets Manager when only its ARN (`SUBSCRIBE_SIGNING_SECRET_ID`) is
 * configured, and read again when a token names a key rotated in since.
 */
import { createDynamoDbClient, createSesClient } from '../aws/clients.js';
import { createSecretsManagerSource, once, withLinkSigningSecrets } from '../aws/secret.js';
import { loadSubscribeConfig, loadWithSecrets } from '../config.js';
import { rereadingSecrets } from '../links/link-secrets.js';
import { createSubscribeHandler, subscribeDeps } from './subscribe-handler.js';

const secretSource = createSecretsManagerSource();
const loadConfig = () =>
  loadWithSecrets(loadSubscribeConfig, (env) => withLinkSigningSecrets(env, secretSource));

const wiring = once(async () => {
  const config = await loadConfig();
  return {
    deps: subscribeDeps(
      config,
      { dynamodb: createDynamoDbClient(config), ses: createSesClient(config) },
      rereadingSecrets(config.subscribeSecrets, async () => (await loadConfig()).subscribeSecrets),
    ),
    ...(config.SUBSCRIBE_URL !== undefined && { publicUrl: config.SUBSCRIBE_URL }),
  };
});

export const main = createSubscribeHandler(wiring);

/**
 * Lambda entry (`src/handlers/unsubscribe.main`, behind a function URL): config once per cold start, the
 * signing key read from Secrets Manager when only its ARN (`LINK_SIGNING_SECRET_ID`) is configured.
 */
import { createS3Client } from '../aws/clients.js';
import { createS3Unsubscribes } from '../aws/s3-unsubscribes.js';
import { once, withLinkSigningSecret } from '../aws/secret.js';
import { loadLinkEndpointConfig, loadWithSecrets } from '../config.js';
import { createUnsubscribeHandler } from './unsubscribe-handler.js';

const deps = once(async () => {
  const config = await loadWithSecrets(
    (env) => loadLinkEndpointConfig('unsubscribe', env),
    withLinkSigningSecret,
  );
  return {
    secret: config.LINK_SIGNING_SECRET,
    unsubscribes: createS3Unsubscribes(createS3Client(config), config.BUCKET, config.STATE_PREFIX),
    now: () => new Date(),
  };
});

export const main = createUnsubscribeHandler(deps);

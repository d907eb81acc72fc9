/**
 * Lambda entry (`src/handlers/digest.main`): loads config once per cold start (with the unsubscribe signing
 * key from Secrets Manager when only its ARN is configured) and wires the S3 and SES adapters.
 */
import { createS3Client, createSesClient } from '../aws/clients.js';
import { once, withUnsubscribeSecret } from '../aws/secret.js';
import { loadDigestConfigWithSecrets } from '../config.js';
import { createDigestHandler, digestDeps } from './digest-handler.js';

const wiring = once(async () => {
  const config = await loadDigestConfigWithSecrets(withUnsubscribeSecret);
  return digestDeps(config, { s3: createS3Client(config), ses: createSesClient(config) });
});

export const main = createDigestHandler(wiring);

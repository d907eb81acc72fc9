/**
 * Lambda entry (`src/handlers/digest.main`): loads config once per cold start (with the link signing
 * secrets from Secrets Manager when only their ARNs are configured) and wires the S3 and SES adapters.
 */
import { createS3Client, createSesClient } from '../aws/clients.js';
import { once, withLinkSigningSecrets } from '../aws/secret.js';
import { loadDigestConfig, loadWithSecrets } from '../config.js';
import { createDigestHandler, digestDeps } from './digest-handler.js';

const wiring = once(async () => {
  const config = await loadWithSecrets(loadDigestConfig, withLinkSigningSecrets);
  return digestDeps(config, { s3: createS3Client(config), ses: createSesClient(config) });
});

export const main = createDigestHandler(wiring);

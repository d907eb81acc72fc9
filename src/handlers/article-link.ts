/**
 * Lambda entry (`src/handlers/article-link.main`, behind a function URL): config once per cold start, the
 * signing key read from Secrets Manager when only its ARN (`LINK_SIGNING_SECRET_ID`) is configured.
 */
import { createS3Client } from '../aws/clients.js';
import { once, withLinkSigningSecret } from '../aws/secret.js';
import { loadLinkEndpointConfig, loadWithSecrets } from '../config.js';
import { articleLinkDeps, createArticleLinkHandler } from './article-link-handler.js';

const deps = once(async () => {
  const config = await loadWithSecrets(
    (env) => loadLinkEndpointConfig('article-link', env),
    withLinkSigningSecret,
  );
  return articleLinkDeps(config, createS3Client(config));
});

export const main = createArticleLinkHandler(deps);

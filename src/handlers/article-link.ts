/**
 * Lambda entry (`src/handlers/article-link.main`, behind a function URL): config once per cold start, the
 * signing key read from Secrets Manager when only its ARN (`UNSUBSCRIBE_SECRET_ID`) is configured.
 */
import { createS3Client } from '../aws/clients.js';
import { once, withUnsubscribeSecret } from '../aws/secret.js';
import { loadArticleLinkConfigWithSecrets } from '../config.js';
import { articleLinkDeps, createArticleLinkHandler } from './article-link-handler.js';

const deps = once(async () => {
  const config = await loadArticleLinkConfigWithSecrets(withUnsubscribeSecret);
  return articleLinkDeps(config, createS3Client(config));
});

export const main = createArticleLinkHandler(deps);

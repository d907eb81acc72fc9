/**
 * Lambda entry (`src/handlers/article-link.main`, behind a function URL): config once per cold start, the
 * article-link signing secrets read from Secrets Manager when only their ARN (`ARTICLE_LINK_SIGNING_SECRET_ID`)
 * is configured, and read again when a token names a key rotated in since.
 */
import { createS3Client } from '../aws/clients.js';
import { createSecretsManagerSource, once, withLinkSigningSecrets } from '../aws/secret.js';
import { loadLinkEndpointConfig, loadWithSecrets } from '../config.js';
import { rereadingSecrets } from '../links/link-secrets.js';
import { articleLinkDeps, createArticleLinkHandler } from './article-link-handler.js';

const secretSource = createSecretsManagerSource();
const loadConfig = () =>
  loadWithSecrets(
    (env) => loadLinkEndpointConfig('article-link', env),
    (env) => withLinkSigningSecrets(env, secretSource),
  );

const deps = once(async () => {
  const config = await loadConfig();
  const secrets = rereadingSecrets(config.linkSecrets, async () => (await loadConfig()).linkSecrets);
  return articleLinkDeps(config, createS3Client(config), secrets);
});

export const main = createArticleLinkHandler(deps);

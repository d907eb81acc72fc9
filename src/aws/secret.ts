/**
 * The link signing secrets, delivered without ever sitting in plaintext in the Lambda configuration.
 *
 * On AWS the stack generates one Secrets Manager secret per link purpose (unsubscribe, article-link) and gives
 * each function only the ARNs it needs (`UNSUBSCRIBE_SIGNING_SECRET_ID`, `ARTICLE_LINK_SIGNING_SECRET_ID`); this
 * adapter reads the values once per cold start (and again when an endpoint meets a key rotated in since) and
 * hands the config module an environment in which `UNSUBSCRIBE_SIGNING_SECRET` / `ARTICLE_LINK_SIGNING_SECRET`
 * are set, so `src/config.ts` validates variables, not ARNs. `LINK_SIGNING_SECRET_ID` names a secret holding
 * the master `LINK_SIGNING_SECRET` the same way. Locally (`npm start`, tests) `LINK_SIGNING_SECRET` is set
 * directly and nothing is fetched.
 *
 * Why not the alternatives: CloudFormation cannot put an `ssm-secure` reference into Lambda environment
 * variables; a `{{resolve:secretsmanager:...}}` reference or a deploy-time `${ssm:...}` would write the value
 * into the function configuration, readable by anyone with `lambda:GetFunctionConfiguration`, and `${ssm:...}`
 * would also make `serverless package` need credentials.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SIGNING_SECRET_VARIABLES, type SigningSecretVariable } from '../config.js';
import { createSecretsManagerClient } from './clients.js';

type Env = Record<string, string | undefined>;

export class SecretError extends Error {
  override readonly name = 'SecretError';
}

/** Where secret values come from; tests pass a fake, Lambda the Secrets Manager adapter below. */
export interface SecretSource {
  secretString(secretId: string): Promise<string>;
}

export function createSecretsManagerSource(
  client: Pick<SecretsManagerClient, 'send'> = createSecretsManagerClient(),
): SecretSource {
  return {
    async secretString(secretId) {
      const result = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
      if (result.SecretString === undefined || result.SecretString === '') {
        throw new SecretError(`Secret ${secretId} has no string value`);
      }
      return result.SecretString;
    },
  };
}

/**
 * Each variable a secret's value goes into, by the variable naming that secret (`X_ID` names the secret of
 * `X`): derived from the config module's list, so every purpose it knows is fetched here too.
 */
const SECRET_VARIABLES: Readonly<Record<string, SigningSecretVariable>> = Object.fromEntries(
  SIGNING_SECRET_VARIABLES.map((variable) => [`${variable}_ID`, variable]),
);

/**
 * `env` with each link signing secret that an `..._ID` variable names filled in (read in parallel). A value
 * set directly wins (local runs); with neither set, that variable stays unset and the config module reports
 * what is missing.
 */
export async function withLinkSigningSecrets(
  env: Env,
  source: SecretSource = createSecretsManagerSource(),
): Promise<Env> {
  const named = Object.entries(SECRET_VARIABLES).filter(
    ([idVariable, variable]) => !present(env[variable]) && present(env[idVariable]),
  );
  if (named.length === 0) return env;
  const values = await Promise.all(
    named.map(async ([idVariable, variable]) => {
      const secretId = (env[idVariable] ?? '').trim();
      try {
        return [variable, await source.secretString(secretId)] as const;
      } catch (error: unknown) {
        throw new SecretError(
          `Could not read the link signing secret ${secretId} (${idVariable}): ${describe(error)}`,
          { cause: error },
        );
      }
    }),
  );
  return { ...env, ...Object.fromEntries(values) };
}

/**
 * Runs `load` once and shares its promise: the first invocation of a cold start pays for the fetch, later
 * ones reuse the result. A failure is not cached, so the next invocation tries again.
 */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

function present(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

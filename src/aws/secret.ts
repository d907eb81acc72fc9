/**
 * The link signing key (it signs unsubscribe and article links), delivered without ever sitting in plaintext in the Lambda configuration.
 *
 * On AWS the stack generates the key in Secrets Manager and gives each function only its ARN
 * (`LINK_SIGNING_SECRET_ID`); this adapter reads the value once per cold start and hands the config module an
 * environment in which `LINK_SIGNING_SECRET` is set, so `src/config.ts` keeps validating one variable. Locally
 * (`npm start`, tests) `LINK_SIGNING_SECRET` is set directly and nothing is fetched.
 *
 * Why not the alternatives: CloudFormation cannot put an `ssm-secure` reference into Lambda environment
 * variables; a `{{resolve:secretsmanager:...}}` reference or a deploy-time `${ssm:...}` would write the value
 * into the function configuration, readable by anyone with `lambda:GetFunctionConfiguration`, and `${ssm:...}`
 * would also make `serverless package` need credentials.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

type Env = Record<string, string | undefined>;

export class SecretError extends Error {
  override readonly name = 'SecretError';
}

/** Where secret values come from; tests pass a fake, Lambda the Secrets Manager adapter below. */
export interface SecretSource {
  secretString(secretId: string): Promise<string>;
}

export function createSecretsManagerSource(
  client: Pick<SecretsManagerClient, 'send'> = new SecretsManagerClient({}),
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
 * `env` with `LINK_SIGNING_SECRET` filled in from the secret that `LINK_SIGNING_SECRET_ID` names. An explicit
 * `LINK_SIGNING_SECRET` wins (local runs); with neither set, `env` comes back unchanged and the config module
 * reports what is missing.
 */
export async function withLinkSigningSecret(
  env: Env,
  source: SecretSource = createSecretsManagerSource(),
): Promise<Env> {
  if (present(env.LINK_SIGNING_SECRET) || !present(env.LINK_SIGNING_SECRET_ID)) return env;
  const secretId = env.LINK_SIGNING_SECRET_ID.trim();
  try {
    return { ...env, LINK_SIGNING_SECRET: await source.secretString(secretId) };
  } catch (error: unknown) {
    throw new SecretError(
      `Could not read the link signing key from ${secretId} (LINK_SIGNING_SECRET_ID): ${describe(error)}`,
      { cause: error },
    );
  }
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

import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  SecretError,
  createSecretsManagerSource,
  once,
  withLinkSigningSecret,
} from '../../../src/aws/secret.js';

const SECRET_ARN =
  'arn:aws:secretsmanager:eu-west-1:123456789012:secret:article-digest/dev/unsubscribe-signing-key-AbCdEf';
const secretsManager = mockClient(SecretsManagerClient);
// The mocks patch every client of the class in this worker: give the real ones back for the next file.
afterAll(() => {
  secretsManager.restore();
});

afterEach(() => {
  secretsManager.reset();
});

const source = () => createSecretsManagerSource(new SecretsManagerClient({ region: 'eu-west-1' }));

describe('the link signing key', () => {
  it('is read from the secret LINK_SIGNING_SECRET_ID names', async () => {
    secretsManager
      .on(GetSecretValueCommand, { SecretId: SECRET_ARN })
      .resolves({ SecretString: 'k'.repeat(64) });

    const env = await withLinkSigningSecret({ BUCKET: 'b', LINK_SIGNING_SECRET_ID: SECRET_ARN }, source());

    expect(env).toEqual({
      BUCKET: 'b',
      LINK_SIGNING_SECRET_ID: SECRET_ARN,
      LINK_SIGNING_SECRET: 'k'.repeat(64),
    });
  });

  it('is taken as given when LINK_SIGNING_SECRET is set, as in local runs, without calling AWS', async () => {
    const env = { LINK_SIGNING_SECRET: 'local-secret', LINK_SIGNING_SECRET_ID: SECRET_ARN };
    await expect(withLinkSigningSecret(env, source())).resolves.toBe(env);
    expect(secretsManager.calls()).toHaveLength(0);
  });

  it('is left to the config module to report when neither variable is set', async () => {
    const env = { BUCKET: 'b' };
    await expect(withLinkSigningSecret(env, source())).resolves.toBe(env);
  });

  it('fails the start with an error that names the variable when the secret cannot be read', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

    const loading = withLinkSigningSecret({ LINK_SIGNING_SECRET_ID: SECRET_ARN }, source());

    await expect(loading).rejects.toThrow(SecretError);
    await expect(loading).rejects.toThrow(/LINK_SIGNING_SECRET_ID.*AccessDeniedException: denied/);
  });

  it('rejects a secret without a string value', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1]) });
    await expect(withLinkSigningSecret({ LINK_SIGNING_SECRET_ID: SECRET_ARN }, source())).rejects.toThrow(
      /has no string value/,
    );
  });
});

describe('once', () => {
  it('loads once and shares the result', async () => {
    let loads = 0;
    const load = once(async () => ++loads);
    expect(await Promise.all([load(), load()])).toEqual([1, 1]);
    expect(await load()).toBe(1);
  });

  it('tries again after a failure instead of caching it', async () => {
    let attempts = 0;
    const load = once(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('cold start hiccup');
      return 'ready';
    });
    await expect(load()).rejects.toThrow('cold start hiccup');
    await expect(load()).resolves.toBe('ready');
  });
});

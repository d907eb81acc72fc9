import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  SecretError,
  createSecretsManagerSource,
  once,
  withLinkSigningSecrets,
} from '../../../src/aws/secret.js';

const SECRET_ARN =
  'arn:aws:secretsmanager:eu-west-1:123456789012:secret:article-digest/dev/master-signing-key-AbCdEf';
const UNSUBSCRIBE_ARN =
  'arn:aws:secretsmanager:eu-west-1:123456789012:secret:article-digest/dev/unsubscribe-signing-key-AbCdEf';
const ARTICLE_LINK_ARN =
  'arn:aws:secretsmanager:eu-west-1:123456789012:secret:article-digest/dev/article-link-signing-key-AbCdEf';
const secretsManager = mockClient(SecretsManagerClient);
// The mocks patch every client of the class in this worker: give the real ones back for the next file.
afterAll(() => {
  secretsManager.restore();
});

afterEach(() => {
  secretsManager.reset();
});

const source = () => createSecretsManagerSource(new SecretsManagerClient({ region: 'eu-west-1' }));

describe('the link signing secrets', () => {
  it('are read from the secrets their _ID variables name, each into its own variable', async () => {
    secretsManager
      .on(GetSecretValueCommand, { SecretId: UNSUBSCRIBE_ARN })
      .resolves({ SecretString: 'u'.repeat(64) })
      .on(GetSecretValueCommand, { SecretId: ARTICLE_LINK_ARN })
      .resolves({ SecretString: '{"current":"aaa"}' });

    const env = await withLinkSigningSecrets(
      {
        BUCKET: 'b',
        UNSUBSCRIBE_SIGNING_SECRET_ID: UNSUBSCRIBE_ARN,
        ARTICLE_LINK_SIGNING_SECRET_ID: ARTICLE_LINK_ARN,
      },
      source(),
    );

    expect(env).toEqual({
      BUCKET: 'b',
      UNSUBSCRIBE_SIGNING_SECRET_ID: UNSUBSCRIBE_ARN,
      UNSUBSCRIBE_SIGNING_SECRET: 'u'.repeat(64),
      ARTICLE_LINK_SIGNING_SECRET_ID: ARTICLE_LINK_ARN,
      ARTICLE_LINK_SIGNING_SECRET: '{"current":"aaa"}',
    });
    expect(secretsManager.calls()).toHaveLength(2);
  });

  it("read only what a function is given: one public function never reads the other's secret", async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'u'.repeat(64) });

    await withLinkSigningSecrets({ UNSUBSCRIBE_SIGNING_SECRET_ID: UNSUBSCRIBE_ARN }, source());

    expect(secretsManager.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input.SecretId)).toEqual([
      UNSUBSCRIBE_ARN,
    ]);
  });

  it('fill in the master LINK_SIGNING_SECRET from LINK_SIGNING_SECRET_ID the same way', async () => {
    secretsManager
      .on(GetSecretValueCommand, { SecretId: SECRET_ARN })
      .resolves({ SecretString: 'k'.repeat(64) });

    const env = await withLinkSigningSecrets({ BUCKET: 'b', LINK_SIGNING_SECRET_ID: SECRET_ARN }, source());

    expect(env).toEqual({
      BUCKET: 'b',
      LINK_SIGNING_SECRET_ID: SECRET_ARN,
      LINK_SIGNING_SECRET: 'k'.repeat(64),
    });
  });

  it('are taken as given when set directly, as in local runs, without calling AWS', async () => {
    const env = {
      LINK_SIGNING_SECRET: 'local-secret',
      LINK_SIGNING_SECRET_ID: SECRET_ARN,
      UNSUBSCRIBE_SIGNING_SECRET: 'local-unsubscribe-secret',
      UNSUBSCRIBE_SIGNING_SECRET_ID: UNSUBSCRIBE_ARN,
    };
    await expect(withLinkSigningSecrets(env, source())).resolves.toBe(env);
    expect(secretsManager.calls()).toHaveLength(0);
  });

  it('are left to the config module to report when nothing names them', async () => {
    const env = { BUCKET: 'b' };
    await expect(withLinkSigningSecrets(env, source())).resolves.toBe(env);
  });

  it('fail the start with an error that names the variable when a secret cannot be read', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

    const loading = withLinkSigningSecrets({ ARTICLE_LINK_SIGNING_SECRET_ID: ARTICLE_LINK_ARN }, source());

    await expect(loading).rejects.toThrow(SecretError);
    await expect(loading).rejects.toThrow(/ARTICLE_LINK_SIGNING_SECRET_ID.*AccessDeniedException: denied/);
  });

  it('reject a secret without a string value', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1]) });
    await expect(
      withLinkSigningSecrets({ UNSUBSCRIBE_SIGNING_SECRET_ID: UNSUBSCRIBE_ARN }, source()),
    ).rejects.toThrow(/has no string value/);
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

import { describe, expect, it } from 'vitest';
import {
  SecretError,
  createSecretsManagerSource,
  once,
  withLinkSigningSecrets,
} from '../../../src/aws/secret.js';
import {
  holding,
  secretValue,
  secretsError,
  secretsManagerFake,
  type JsonResponder,
} from '../../support/aws-http-fake-secrets.js';

const SECRET_ARN =
  'arn:aws:secretsmanager:eu-west-1:123456789012:secret:article-digest/dev/master-signing-key-AbCdEf';
const UNSUBSCRIBE_ARN =
  'arn:aws:secretsmanager:eu-west-1:123456789012:secret:article-digest/dev/unsubscribe-signing-key-AbCdEf';
const ARTICLE_LINK_ARN =
  'arn:aws:secretsmanager:eu-west-1:123456789012:secret:article-digest/dev/article-link-signing-key-AbCdEf';

/** The Secrets Manager of the running test, set by `source`. */
let secretsManager = secretsManagerFake(holding({}));

/** The source over a real SDK client whose requests Secrets Manager answers with `respond`. */
const source = (respond: JsonResponder = holding({})) => {
  secretsManager = secretsManagerFake(respond);
  return createSecretsManagerSource(secretsManager.client());
};
const getSecretValueIds = () => secretsManager.calls('GetSecretValue').map((call) => call.input['SecretId']);

describe('the link signing secrets', () => {
  it('are read from the secrets their _ID variables name, each into its own variable', async () => {
    const secrets = source(
      holding({ [UNSUBSCRIBE_ARN]: 'u'.repeat(64), [ARTICLE_LINK_ARN]: '{"current":"aaa"}' }),
    );

    const env = await withLinkSigningSecrets(
      {
        BUCKET: 'b',
        UNSUBSCRIBE_SIGNING_SECRET_ID: UNSUBSCRIBE_ARN,
        ARTICLE_LINK_SIGNING_SECRET_ID: ARTICLE_LINK_ARN,
      },
      secrets,
    );

    expect(env).toEqual({
      BUCKET: 'b',
      UNSUBSCRIBE_SIGNING_SECRET_ID: UNSUBSCRIBE_ARN,
      UNSUBSCRIBE_SIGNING_SECRET: 'u'.repeat(64),
      ARTICLE_LINK_SIGNING_SECRET_ID: ARTICLE_LINK_ARN,
      ARTICLE_LINK_SIGNING_SECRET: '{"current":"aaa"}',
    });
    expect(secretsManager.requests).toHaveLength(2);
  });

  it("read only what a function is given: one public function never reads the other's secret", async () => {
    // It holds both: only the request tells which one was read.
    const secrets = source(
      holding({ [UNSUBSCRIBE_ARN]: 'u'.repeat(64), [ARTICLE_LINK_ARN]: 'a'.repeat(64) }),
    );

    await withLinkSigningSecrets({ UNSUBSCRIBE_SIGNING_SECRET_ID: UNSUBSCRIBE_ARN }, secrets);

    expect(getSecretValueIds()).toEqual([UNSUBSCRIBE_ARN]);
  });

  it('fill in the master LINK_SIGNING_SECRET from LINK_SIGNING_SECRET_ID the same way', async () => {
    const secrets = source(holding({ [SECRET_ARN]: 'k'.repeat(64) }));

    const env = await withLinkSigningSecrets({ BUCKET: 'b', LINK_SIGNING_SECRET_ID: SECRET_ARN }, secrets);

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
    expect(secretsManager.requests).toHaveLength(0);
  });

  it('are left to the config module to report when nothing names them', async () => {
    const env = { BUCKET: 'b' };
    await expect(withLinkSigningSecrets(env, source())).resolves.toBe(env);
  });

  it('fail the start with an error that names the variable when a secret cannot be read', async () => {
    const secrets = source(() => secretsError('AccessDeniedException', 'denied'));

    const loading = withLinkSigningSecrets({ ARTICLE_LINK_SIGNING_SECRET_ID: ARTICLE_LINK_ARN }, secrets);

    await expect(loading).rejects.toThrow(SecretError);
    await expect(loading).rejects.toThrow(/ARTICLE_LINK_SIGNING_SECRET_ID.*AccessDeniedException: denied/);
  });

  it('reject a secret without a string value', async () => {
    const secrets = source((call) =>
      secretValue(call.input['SecretId'] as string, { SecretBinary: new Uint8Array([1]) }),
    );
    await expect(
      withLinkSigningSecrets({ UNSUBSCRIBE_SIGNING_SECRET_ID: UNSUBSCRIBE_ARN }, secrets),
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

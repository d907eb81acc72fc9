import { describe, expect, it } from 'vitest';
import { ConfigError, linkSecretsFor, loadDigestConfig, loadSubscribeConfig } from '../../src/config.js';

const MASTER = 'local-master-secret-of-at-least-32-chars';
const base = { DIGEST_TABLE: 'article-digest-dev-digest', SENDER_EMAIL: 'digest@example.com' };

describe('the subscribe function configuration', () => {
  it('derives its keys from LINK_SIGNING_SECRET locally and defaults its limits', () => {
    const config = loadSubscribeConfig({ ...base, LINK_SIGNING_SECRET: MASTER });
    expect(config).toMatchObject({
      subscribeSecrets: { current: MASTER },
      SUBSCRIBE_CONFIRM_HOURS: 48,
      SUBSCRIBE_MAX_PER_SOURCE_HOUR: 10,
      SUBSCRIBE_MAX_PER_HOUR: 1000,
      DIGEST_TIME_ZONE: 'UTC',
      DIGEST_SEND_HOUR: 7,
    });
    expect(config.SUBSCRIBE_URL).toBeUndefined();
  });

  it('prefers its own secret (current and previous) over the master', () => {
    const own = JSON.stringify({ current: 'c'.repeat(40), previous: 'p'.repeat(40) });
    const config = loadSubscribeConfig({
      ...base,
      LINK_SIGNING_SECRET: MASTER,
      SUBSCRIBE_SIGNING_SECRET: own,
    });
    expect(config.subscribeSecrets).toEqual({ current: 'c'.repeat(40), previous: 'p'.repeat(40) });
  });

  it('names the variable to set when no secret is there, and never shows a secret it refuses', () => {
    expect(() => loadSubscribeConfig(base)).toThrow(ConfigError);
    expect(() => loadSubscribeConfig(base)).toThrow(/SUBSCRIBE_SIGNING_SECRET/);
    expect(() => loadSubscribeConfig({ ...base, SUBSCRIBE_SIGNING_SECRET: 'too-short-secret' })).toThrow(
      /SUBSCRIBE_SIGNING_SECRET .*its value is not shown/,
    );
  });

  it('gives the digest the preferences key of the same secret, and the URL its links point to', () => {
    const config = loadDigestConfig({
      ...base,
      BUCKET: 'article-digest-bucket',
      SUBSCRIBE_URL: 'https://abc.lambda-url.eu-west-1.on.aws/',
      SUBSCRIBE_SIGNING_SECRET: JSON.stringify({ current: 's'.repeat(64) }),
    });
    expect(config.SUBSCRIBE_URL).toBe('https://abc.lambda-url.eu-west-1.on.aws/');
    expect(linkSecretsFor(config, 'preferences')?.current).toBe('s'.repeat(64));
    // Not the unsubscribe or article-link secret: those stay unset.
    expect(linkSecretsFor(config, 'unsubscribe')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  linkSecretsFor,
  loadDigestConfig,
  loadSummarizeConfig,
  loadLinkEndpointConfig,
} from '../../src/config.js';

describe('config', () => {
  it('fills documented defaults around the one required variable of summarize', () => {
    const config = loadSummarizeConfig({ BUCKET: 'my-articles' });

    expect(config).toMatchObject({
      BUCKET: 'my-articles',
      ARTICLES_PREFIX: 'articles/',
      SUMMARIES_PREFIX: 'summaries/',
      FAILURES_PREFIX: 'failures/',
      MAX_ARTICLE_BYTES: 5 * 1024 * 1024,
      SUMMARY_MAX_SENTENCES: 3,
      SUMMARY_MAX_WORDS: 90,
    });
  });

  it('names a missing variable and says what to set', () => {
    expect(() => loadSummarizeConfig({})).toThrow(ConfigError);
    expect(() => loadSummarizeConfig({})).toThrow(
      /BUCKET .*\(it is not set\).*Set these environment variables/,
    );
  });

  it('names every malformed variable with the value it got', () => {
    const attempt = () =>
      loadDigestConfig({
        BUCKET: 'b-ok',
        SENDER_EMAIL: 'not-an-address',
        DIGEST_TIME_ZONE: 'Mars/Olympus_Mons',
        DIGEST_SEND_HOUR: '24',
        ARTICLES_PREFIX: '/articles',
      });

    expect(attempt).toThrow(/SENDER_EMAIL .*got "not-an-address"/);
    expect(attempt).toThrow(/DIGEST_TIME_ZONE must be an IANA time zone name .*got "Mars\/Olympus_Mons"/);
    expect(attempt).toThrow(/DIGEST_SEND_HOUR .*got "24"/);
    expect(attempt).toThrow(/ARTICLES_PREFIX must be a key prefix/);
  });

  it('splits and validates the fallback recipient list', () => {
    const config = loadDigestConfig({
      BUCKET: 'b-ok',
      SENDER_EMAIL: 'digest@example.com',
      RECIPIENTS: ' a@example.com, b@example.com ,,',
    });
    expect(config.RECIPIENTS).toEqual(['a@example.com', 'b@example.com']);
    expect(() =>
      loadDigestConfig({
        BUCKET: 'b-ok',
        SENDER_EMAIL: 'digest@example.com',
        RECIPIENTS: 'a@example.com, nope',
      }),
    ).toThrow(/RECIPIENTS/);
  });

  it('treats an empty variable as unset, so a blank deploy parameter falls back to the default', () => {
    expect(loadSummarizeConfig({ BUCKET: 'b-ok', ARTICLES_PREFIX: '  ' }).ARTICLES_PREFIX).toBe('articles/');
  });

  it('refuses a short signing secret without showing it', () => {
    const attempt = () =>
      loadLinkEndpointConfig('unsubscribe', { BUCKET: 'b-ok', LINK_SIGNING_SECRET: 'short-and-secret' });

    expect(attempt).toThrow(/LINK_SIGNING_SECRET must be at least 32 characters .*its value is not shown/);
    expect(attempt).not.toThrow(/short-and-secret/);
    expect(() =>
      loadLinkEndpointConfig('unsubscribe', {
        BUCKET: 'b-ok',
        UNSUBSCRIBE_SIGNING_SECRET: JSON.stringify({ current: 's'.repeat(32), prev: 'short-and-secret' }),
      }),
    ).toThrow(/UNSUBSCRIBE_SIGNING_SECRET has "prev": only current, previous, legacy are read/);
  });

  it('lets article links work 30 days by default and at most 90', () => {
    const digest = (env: Record<string, string>) =>
      loadDigestConfig({ BUCKET: 'b-ok', SENDER_EMAIL: 'digest@example.com', ...env });

    expect(digest({}).LINK_EXPIRY_SECONDS).toBe(30 * 86_400);
    expect(digest({ LINK_EXPIRY_SECONDS: String(90 * 86_400) }).LINK_EXPIRY_SECONDS).toBe(7_776_000);
    expect(() => digest({ LINK_EXPIRY_SECONDS: String(90 * 86_400 + 1) })).toThrow(
      /LINK_EXPIRY_SECONDS must be at most 7776000 \(90 days\)/,
    );
  });

  it('wants the article-link URL as a URL, and the article-link signing secret with it', () => {
    const digest = (env: Record<string, string>) =>
      loadDigestConfig({ BUCKET: 'b-ok', SENDER_EMAIL: 'digest@example.com', ...env });
    const secret = 's'.repeat(32);

    expect(
      digest({ ARTICLE_LINK_URL: 'https://x.lambda-url.eu-west-1.on.aws/', LINK_SIGNING_SECRET: secret }),
    ).toMatchObject({ ARTICLE_LINK_URL: 'https://x.lambda-url.eu-west-1.on.aws/' });
    expect(() => digest({ ARTICLE_LINK_URL: 'links', LINK_SIGNING_SECRET: secret })).toThrow(
      /ARTICLE_LINK_URL must be the article-link function URL/,
    );
    expect(() =>
      digest({
        ARTICLE_LINK_URL: 'https://x.lambda-url.eu-west-1.on.aws/',
        UNSUBSCRIBE_SIGNING_SECRET: secret,
      }),
    ).toThrow(/ARTICLE_LINK_URL is set but neither ARTICLE_LINK_SIGNING_SECRET nor LINK_SIGNING_SECRET is/);
  });

  it('gives the article-link function its bucket, prefix and signing secrets', () => {
    expect(
      loadLinkEndpointConfig('article-link', { BUCKET: 'b-ok', LINK_SIGNING_SECRET: 's'.repeat(32) }),
    ).toMatchObject({
      BUCKET: 'b-ok',
      ARTICLES_PREFIX: 'articles/',
      linkSecrets: { current: 's'.repeat(32) },
    });
    expect(() => loadLinkEndpointConfig('article-link', { BUCKET: 'b-ok' })).toThrow(
      /article-link function: ARTICLE_LINK_SIGNING_SECRET \(on AWS, ARTICLE_LINK_SIGNING_SECRET_ID .*\) or LINK_SIGNING_SECRET must be set/,
    );
  });

  it("derives each purpose's secrets from LINK_SIGNING_SECRET alone, so a local stack needs one variable", () => {
    const master = 'm'.repeat(40);
    const digest = loadDigestConfig({
      BUCKET: 'b-ok',
      SENDER_EMAIL: 'digest@example.com',
      LINK_SIGNING_SECRET: master,
    });

    expect(linkSecretsFor(digest, 'unsubscribe')).toEqual({ current: master, legacy: master });
    expect(linkSecretsFor(digest, 'articleLink')).toEqual({ current: master });
    expect(
      loadLinkEndpointConfig('unsubscribe', { BUCKET: 'b-ok', LINK_SIGNING_SECRET: master }).linkSecrets,
    ).toEqual({
      current: master,
      legacy: master,
    });
  });

  it("prefers a purpose's own secrets, plain or with a previous key, over the master", () => {
    const [master, own, previous] = ['m'.repeat(40), 'o'.repeat(40), 'p'.repeat(40)];
    const digest = loadDigestConfig({
      BUCKET: 'b-ok',
      SENDER_EMAIL: 'digest@example.com',
      LINK_SIGNING_SECRET: master,
      UNSUBSCRIBE_SIGNING_SECRET: own,
      ARTICLE_LINK_SIGNING_SECRET: JSON.stringify({ current: own, previous }),
    });

    expect(linkSecretsFor(digest, 'unsubscribe')).toEqual({ current: own, legacy: own });
    expect(linkSecretsFor(digest, 'articleLink')).toEqual({ current: own, previous });
  });

  it("gives each public function only its own purpose's secrets", () => {
    const env = {
      BUCKET: 'b-ok',
      UNSUBSCRIBE_SIGNING_SECRET: 'u'.repeat(40),
      ARTICLE_LINK_SIGNING_SECRET: 'a'.repeat(40),
    };

    expect(loadLinkEndpointConfig('unsubscribe', env).linkSecrets.current).toBe('u'.repeat(40));
    expect(loadLinkEndpointConfig('article-link', env).linkSecrets.current).toBe('a'.repeat(40));
    expect(() =>
      loadLinkEndpointConfig('article-link', { BUCKET: 'b-ok', UNSUBSCRIBE_SIGNING_SECRET: 'u'.repeat(40) }),
    ).toThrow(/ARTICLE_LINK_SIGNING_SECRET .* must be set/);
  });
});

describe('config of the LLM summarizer (summarize)', () => {
  it('is extractive by default, with the documented model, budget and bounds', () => {
    expect(loadSummarizeConfig({ BUCKET: 'my-articles' })).toMatchObject({
      SUMMARIZER: 'extractive',
      BEDROCK_MODEL_ID: 'amazon.nova-micro-v1:0',
      LLM_DAILY_BUDGET: 2000,
      LLM_MAX_INPUT_TOKENS: 3000,
      LLM_MAX_OUTPUT_TOKENS: 600,
      LLM_TIMEOUT_MS: 20000,
    });
  });

  it('names a summarizer it does not know, and a timeout beyond its bound', () => {
    expect(() => loadSummarizeConfig({ BUCKET: 'b-ok', SUMMARIZER: 'openai' })).toThrow(
      /SUMMARIZER .*got "openai"/,
    );
    expect(() => loadSummarizeConfig({ BUCKET: 'b-ok', LLM_TIMEOUT_MS: '90000' })).toThrow(/LLM_TIMEOUT_MS/);
  });
});

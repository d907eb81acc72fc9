import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  linkSecretsFor,
  loadDigestConfig,
  loadSubscriberDefaults,
  loadSummarizeConfig,
  loadLinkEndpointConfig,
  SIGNING_SECRET_VARIABLES,
} from '../../src/config.js';

/** The least a digest function starts with. */
const DIGEST = { BUCKET: 'b-ok', SENDER_EMAIL: 'digest@example.com', DIGEST_TABLE: 'digest-table' };

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

  it('says a variable that must be a number is not one', () => {
    expect(() => loadSummarizeConfig({ BUCKET: 'b-ok', SUMMARY_MAX_SENTENCES: 'three' })).toThrow(
      /SUMMARY_MAX_SENTENCES must be a number \(got "three"\)/,
    );
  });

  it('names a missing variable and says what to set', () => {
    expect(() => loadSummarizeConfig({})).toThrow(ConfigError);
    expect(() => loadSummarizeConfig({})).toThrow(
      /BUCKET is required \(it is not set\).*Set these environment variables/,
    );
  });

  it('names every malformed variable with the value it got', () => {
    const attempt = () =>
      loadDigestConfig({
        ...DIGEST,
        SENDER_EMAIL: 'not-an-address',
        ARTICLES_PREFIX: '/articles',
      });

    expect(attempt).toThrow(/SENDER_EMAIL .*got "not-an-address"/);
    expect(attempt).toThrow(/ARTICLES_PREFIX must be a key prefix/);
  });

  it('validates the defaults for new subscribers where they are read, not in the digest', () => {
    const bad = { DIGEST_TIME_ZONE: 'Mars/Olympus_Mons', DIGEST_SEND_HOUR: '24' };
    const attempt = () => loadSubscriberDefaults(bad);

    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/DIGEST_TIME_ZONE must be an IANA time zone name .*got "Mars\/Olympus_Mons"/);
    expect(attempt).toThrow(/DIGEST_SEND_HOUR .*got "24"/);
    expect(loadSubscriberDefaults({})).toEqual({ DIGEST_TIME_ZONE: 'UTC', DIGEST_SEND_HOUR: 7 });
    expect(loadSubscriberDefaults({ DIGEST_TIME_ZONE: 'Europe/Lisbon', DIGEST_SEND_HOUR: '6' })).toEqual({
      DIGEST_TIME_ZONE: 'Europe/Lisbon',
      DIGEST_SEND_HOUR: 6,
    });
    // Neither digest function reads them: a bad value must not stop their start.
    const digest = loadDigestConfig({ ...DIGEST, ...bad });
    expect(digest).not.toHaveProperty('DIGEST_TIME_ZONE');
    expect(digest).not.toHaveProperty('DIGEST_SEND_HOUR');
  });

  it('wants the digest table for the digest and the unsubscribe function, and only there', () => {
    const secret = { LINK_SIGNING_SECRET: 's'.repeat(32) };

    expect(() => loadDigestConfig({ BUCKET: 'b-ok', SENDER_EMAIL: 'digest@example.com' })).toThrow(
      /digest function: DIGEST_TABLE .*\(it is not set\)/,
    );
    expect(() => loadLinkEndpointConfig('unsubscribe', { BUCKET: 'b-ok', ...secret })).toThrow(
      /unsubscribe function: DIGEST_TABLE .*\(it is not set\)/,
    );
    expect(() => loadDigestConfig({ ...DIGEST, DIGEST_TABLE: 'no spaces allowed' })).toThrow(
      /DIGEST_TABLE must be a DynamoDB table name .*got "no spaces allowed"/,
    );
    expect(loadLinkEndpointConfig('unsubscribe', { ...DIGEST, ...secret }).DIGEST_TABLE).toBe('digest-table');
    expect(loadLinkEndpointConfig('article-link', { BUCKET: 'b-ok', ...secret })).not.toHaveProperty(
      'DIGEST_TABLE',
    );
  });

  it('sends inline at the account rate by default, and reads the queue, rate, senders and batch size', () => {
    expect(loadDigestConfig(DIGEST)).toMatchObject({
      DIGEST_SENDERS: 2,
      DIGEST_INLINE_SECONDS: 120,
      DIGEST_BATCH_SIZE: 50,
    });
    expect(loadDigestConfig(DIGEST).DIGEST_SEND_QUEUE_URL).toBeUndefined();
    expect(loadDigestConfig(DIGEST).DIGEST_MAX_SEND_RATE).toBeUndefined();
    expect(
      loadDigestConfig({
        ...DIGEST,
        DIGEST_SEND_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/digest-send',
        DIGEST_MAX_SEND_RATE: '13.5',
        DIGEST_SENDERS: '8',
        DIGEST_INLINE_SECONDS: '0',
        DIGEST_BATCH_SIZE: '200',
        DYNAMODB_ENDPOINT: 'http://127.0.0.1:4567',
        SQS_ENDPOINT: 'http://127.0.0.1:4568',
      }),
    ).toMatchObject({
      DIGEST_SEND_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/digest-send',
      DIGEST_MAX_SEND_RATE: 13.5,
      DIGEST_SENDERS: 8,
      DIGEST_INLINE_SECONDS: 0,
      DIGEST_BATCH_SIZE: 200,
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:4567',
      SQS_ENDPOINT: 'http://127.0.0.1:4568',
    });
  });

  it('shows 10 top stories in full by default, or DIGEST_TOP_STORIES (1 to 50)', () => {
    expect(loadDigestConfig(DIGEST).DIGEST_TOP_STORIES).toBe(10);
    expect(loadDigestConfig({ ...DIGEST, DIGEST_TOP_STORIES: '5' }).DIGEST_TOP_STORIES).toBe(5);
    expect(() => loadDigestConfig({ ...DIGEST, DIGEST_TOP_STORIES: '0' })).toThrow(
      /DIGEST_TOP_STORIES .*got "0"/,
    );
    expect(() => loadDigestConfig({ ...DIGEST, DIGEST_TOP_STORIES: '51' })).toThrow(
      /DIGEST_TOP_STORIES .*got "51"/,
    );
  });

  it('names each malformed DIGEST_ variable with the value it got', () => {
    const attempt = () =>
      loadDigestConfig({
        ...DIGEST,
        DIGEST_SEND_QUEUE_URL: 'digest-send',
        DIGEST_MAX_SEND_RATE: '0',
        DIGEST_SENDERS: '0',
        DIGEST_INLINE_SECONDS: '-1',
        DIGEST_BATCH_SIZE: '201',
      });

    expect(attempt).toThrow(/DIGEST_SEND_QUEUE_URL .*got "digest-send"/);
    expect(attempt).toThrow(/DIGEST_MAX_SEND_RATE .*got "0"/);
    expect(attempt).toThrow(/DIGEST_SENDERS .*got "0"/);
    expect(attempt).toThrow(/DIGEST_INLINE_SECONDS .*got "-1"/);
    expect(attempt).toThrow(/DIGEST_BATCH_SIZE .*got "201"/);
  });

  it('no longer reads subscribers from the environment or a document key', () => {
    const config = loadDigestConfig({
      ...DIGEST,
      RECIPIENTS: 'a@example.com, b@example.com',
      SUBSCRIBERS_KEY: 'config/subscribers.json',
    });

    expect(config).not.toHaveProperty('RECIPIENTS');
    expect(config).not.toHaveProperty('SUBSCRIBERS_KEY');
  });

  it('treats an empty variable as unset, so a blank deploy parameter falls back to the default', () => {
    expect(loadSummarizeConfig({ BUCKET: 'b-ok', ARTICLES_PREFIX: '  ' }).ARTICLES_PREFIX).toBe('articles/');
  });

  it('refuses a short signing secret without showing it', () => {
    const attempt = () =>
      loadLinkEndpointConfig('unsubscribe', { ...DIGEST, LINK_SIGNING_SECRET: 'short-and-secret' });

    expect(attempt).toThrow(/LINK_SIGNING_SECRET must be at least 32 characters .*its value is not shown/);
    expect(attempt).not.toThrow(/short-and-secret/);
    expect(() =>
      loadLinkEndpointConfig('unsubscribe', {
        ...DIGEST,
        UNSUBSCRIBE_SIGNING_SECRET: JSON.stringify({ current: 's'.repeat(32), prev: 'short-and-secret' }),
      }),
    ).toThrow(/UNSUBSCRIBE_SIGNING_SECRET has "prev": only current, previous, legacy are read/);
  });

  it('lets article links work 30 days by default and at most 90', () => {
    const digest = (env: Record<string, string>) => loadDigestConfig({ ...DIGEST, ...env });

    expect(digest({}).LINK_EXPIRY_SECONDS).toBe(30 * 86_400);
    expect(digest({ LINK_EXPIRY_SECONDS: String(90 * 86_400) }).LINK_EXPIRY_SECONDS).toBe(7_776_000);
    expect(() => digest({ LINK_EXPIRY_SECONDS: String(90 * 86_400 + 1) })).toThrow(
      /LINK_EXPIRY_SECONDS must be at most 7776000 \(90 days\)/,
    );
  });

  it('wants the article-link URL as a URL, and the article-link signing secret with it', () => {
    const digest = (env: Record<string, string>) => loadDigestConfig({ ...DIGEST, ...env });
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

  it('refuses the unsubscribe and preferences URLs without their signing keys, so no link is left out', () => {
    const digest = (env: Record<string, string>) => loadDigestConfig({ ...DIGEST, ...env });
    const [unsubscribeUrl, subscribeUrl] = ['https://u.example.com/', 'https://s.example.com/'];
    const secret = 's'.repeat(32);

    // Bulk mail must carry List-Unsubscribe: a URL without its key would silently send none.
    expect(() => digest({ UNSUBSCRIBE_URL: unsubscribeUrl, ARTICLE_LINK_SIGNING_SECRET: secret })).toThrow(
      ConfigError,
    );
    expect(() => digest({ UNSUBSCRIBE_URL: unsubscribeUrl, SUBSCRIBE_SIGNING_SECRET: secret })).toThrow(
      /digest function: UNSUBSCRIBE_URL is set but neither UNSUBSCRIBE_SIGNING_SECRET nor LINK_SIGNING_SECRET is .*Set one, or unset UNSUBSCRIBE_URL/,
    );
    expect(() => digest({ SUBSCRIBE_URL: subscribeUrl, UNSUBSCRIBE_SIGNING_SECRET: secret })).toThrow(
      /digest function: SUBSCRIBE_URL is set but neither SUBSCRIBE_SIGNING_SECRET nor LINK_SIGNING_SECRET is .*Set one, or unset SUBSCRIBE_URL/,
    );
    // Every URL without its key is named at once.
    expect(() => digest({ UNSUBSCRIBE_URL: unsubscribeUrl, SUBSCRIBE_URL: subscribeUrl })).toThrow(
      /UNSUBSCRIBE_URL is set .*; SUBSCRIBE_URL is set /,
    );
    // Its own key, or the master, is enough.
    expect(
      digest({
        UNSUBSCRIBE_URL: unsubscribeUrl,
        UNSUBSCRIBE_SIGNING_SECRET: secret,
        SUBSCRIBE_URL: subscribeUrl,
        SUBSCRIBE_SIGNING_SECRET: secret,
      }),
    ).toMatchObject({ UNSUBSCRIBE_URL: unsubscribeUrl, SUBSCRIBE_URL: subscribeUrl });
    expect(
      digest({ UNSUBSCRIBE_URL: unsubscribeUrl, SUBSCRIBE_URL: subscribeUrl, LINK_SIGNING_SECRET: secret }),
    ).toMatchObject({ UNSUBSCRIBE_URL: unsubscribeUrl, SUBSCRIBE_URL: subscribeUrl });
  });

  it('lists each signing secret variable once, the master first, for the Secrets Manager adapter', () => {
    expect(SIGNING_SECRET_VARIABLES).toEqual([
      'LINK_SIGNING_SECRET',
      'UNSUBSCRIBE_SIGNING_SECRET',
      'ARTICLE_LINK_SIGNING_SECRET',
      'SUBSCRIBE_SIGNING_SECRET',
    ]);
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
      ...DIGEST,
      LINK_SIGNING_SECRET: master,
    });

    expect(linkSecretsFor(digest, 'unsubscribe')).toEqual({ current: master, legacy: master });
    expect(linkSecretsFor(digest, 'articleLink')).toEqual({ current: master });
    expect(
      loadLinkEndpointConfig('unsubscribe', { ...DIGEST, LINK_SIGNING_SECRET: master }).linkSecrets,
    ).toEqual({
      current: master,
      legacy: master,
    });
  });

  it("prefers a purpose's own secrets, plain or with a previous key, over the master", () => {
    const [master, own, previous] = ['m'.repeat(40), 'o'.repeat(40), 'p'.repeat(40)];
    const digest = loadDigestConfig({
      ...DIGEST,
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
      DIGEST_TABLE: 'digest-table',
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

import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  loadDigestConfig,
  loadSummarizeConfig,
  loadUnsubscribeConfig,
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
      SUMMARY_MAX_WORDS: 75,
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

  it('refuses a short unsubscribe secret', () => {
    expect(() => loadUnsubscribeConfig({ BUCKET: 'b-ok', UNSUBSCRIBE_SECRET: 'short' })).toThrow(
      /UNSUBSCRIBE_SECRET must be at least 32 characters/,
    );
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  LINKS,
  RotationRefusedError,
  rotateLinkSecret,
  secretIdFor,
  type RotationOptions,
} from '../../../scripts/link-secret-rotation.js';
import {
  verifyWith,
  fixedSecrets,
  LinkSecretsError,
  parseLinkSecrets,
} from '../../../src/links/link-secrets.js';
import { linkKey, signToken, type TokenPurpose } from '../../../src/links/signed-token.js';
import {
  secretNotFound,
  secretValue,
  secretsAnswer,
  secretsManagerFake,
  unexpectedCall,
} from '../../support/aws-http-fake-secrets.js';

const ID = secretIdFor('prod', 'unsubscribe');
const FIRST = 'f'.repeat(64);
const NEW = 'n'.repeat(64);
const NOW = new Date('2027-06-01T00:00:00Z');
const DAY = 86_400_000;

/** JSON-protocol timestamps are epoch seconds. */
const epochSeconds = (date: Date) => date.getTime() / 1000;

/** The Secrets Manager of the running test, set by `stored`. */
let secretsManager = secretsManagerFake(() => secretNotFound());

/**
 * Secrets Manager holding secret `id` with `value` current since `currentSince`: it answers reading it,
 * listing its versions and writing a new value; any other secret it does not hold.
 */
function stored(value: string, currentSince: Date, id = ID) {
  secretsManager = secretsManagerFake((call) => {
    if (call.input['SecretId'] !== id) return secretNotFound();
    switch (call.operation) {
      case 'GetSecretValue':
        return secretValue(id, { SecretString: value });
      case 'ListSecretVersionIds':
        return secretsAnswer({
          ARN: id,
          Name: id,
          Versions: [
            { VersionId: 'old', VersionStages: ['AWSPREVIOUS'], CreatedDate: epochSeconds(new Date(0)) },
            { VersionId: 'now', VersionStages: ['AWSCURRENT'], CreatedDate: epochSeconds(currentSince) },
          ],
        });
      case 'PutSecretValue':
        return secretsAnswer({
          ARN: id,
          Name: id,
          VersionId: call.input['ClientRequestToken'],
          VersionStages: ['AWSCURRENT'],
        });
      default:
        return unexpectedCall(call);
    }
  });
}

const puts = () => secretsManager.calls('PutSecretValue');

const rotate = (options: Partial<RotationOptions> = {}) =>
  rotateLinkSecret(secretsManager.client(), {
    secretId: ID,
    link: 'unsubscribe',
    now: NOW,
    newSecret: () => NEW,
    ...options,
  });

const written = () => {
  const value = puts()[0]?.input['SecretString'] as string | undefined;
  return value === undefined ? undefined : (JSON.parse(value) as unknown);
};

describe('rotating a link signing secret', () => {
  it('makes a new current key and keeps the old one as previous and the first value as legacy', async () => {
    stored(FIRST, new Date(NOW.getTime() - 400 * DAY));

    const report = await rotate();

    expect(secretIdFor('prod', 'article-link')).toBe('article-digest/prod/article-link-signing-key');
    expect(written()).toEqual({ current: NEW, previous: FIRST, legacy: FIRST });
    expect(report.before).toMatchObject({ legacy: true });
    expect(report.after.previous).toBe(report.before.current);
    // Links signed before the rotation, and before key ids, still verify; new ones verify too.
    const after = parseLinkSecrets(JSON.stringify(written()), 'unsubscribe');
    const id = 'ab'.repeat(16);
    for (const token of [signToken(FIRST, 'unsubscribe', id), signToken(NEW, 'unsubscribe', id)]) {
      await expect(verifyWith(fixedSecrets(after), 'unsubscribe', token)).resolves.toBe(id);
    }
  });

  it('drops the key before the previous one on the next rotation', async () => {
    const older = 'o'.repeat(64);
    stored(JSON.stringify({ current: FIRST, previous: older }), new Date(NOW.getTime() - 92 * DAY));

    await rotate();

    expect(written()).toEqual({ current: NEW, previous: FIRST });
  });

  it('refuses to rotate before the links the previous key signed can have expired, unless forced', async () => {
    stored(JSON.stringify({ current: FIRST }), new Date(NOW.getTime() - 30 * DAY));

    await expect(rotate()).rejects.toThrow(RotationRefusedError);
    await expect(rotate()).rejects.toThrow(/became current on .* --force/);
    expect(puts()).toHaveLength(0);
    await rotate({ force: true });
    expect(written()).toEqual({ current: NEW, previous: FIRST });
  });

  it('keeps nothing but the new key when a secret leaked', async () => {
    stored(JSON.stringify({ current: FIRST, previous: 'o'.repeat(64), legacy: 'l'.repeat(64) }), NOW);

    await rotate({ revoke: true });

    expect(written()).toEqual({ current: NEW });
  });

  it('writes nothing on a dry run and never logs a secret', async () => {
    stored(FIRST, new Date(0));
    const lines: string[] = [];

    const report = await rotate({ dryRun: true, log: (line) => lines.push(line) });

    expect(report.written).toBe(false);
    expect(puts()).toHaveLength(0);
    expect(lines.join('\n')).toMatch(
      /current \S{8}, previous none, legacy kept -> current \S{8}, previous \S{8}/,
    );
    expect(lines.join('\n')).not.toContain(FIRST);
    expect(lines.join('\n')).not.toContain(NEW);
  });

  it('generates a new secret of 64 random characters by default', async () => {
    stored(FIRST, new Date(0));

    await rotate({ newSecret: undefined });

    const value = written() as { current: string };
    expect(value.current).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(value.current).not.toBe(FIRST);
  });
});

describe('rotating the subscribe secret', () => {
  const SUBSCRIBE_ID = secretIdFor('prod', 'subscribe');
  const PURPOSES: TokenPurpose[] = ['subscribeForm', 'subscribeConfirm', 'preferences'];
  const rotateSubscribe = (options: Partial<RotationOptions> = {}) =>
    rotate({ secretId: SUBSCRIBE_ID, link: 'subscribe', ...options });

  it('names the secrets as serverless.yml creates them', () => {
    expect(SUBSCRIBE_ID).toBe('article-digest/prod/subscribe-signing-key');
    const template = readFileSync(new URL('../../../serverless.yml', import.meta.url), 'utf8');
    for (const { secretName } of Object.values(LINKS)) {
      expect(template).toContain(`Name: \${self:service}/\${sls:stage}/${secretName}\n`);
    }
  });

  it('keeps the forms, confirmation links and preferences links signed before working, and new ones too', async () => {
    // As CloudFormation generated it.
    stored(JSON.stringify({ current: FIRST }), new Date(NOW.getTime() - 400 * DAY), SUBSCRIBE_ID);

    const report = await rotateSubscribe();

    expect(written()).toEqual({ current: NEW, previous: FIRST });
    expect(report.before).toEqual({ current: linkKey(FIRST, 'subscribeConfirm').id, legacy: false });
    expect(report.after).toEqual({
      current: linkKey(NEW, 'subscribeConfirm').id,
      previous: linkKey(FIRST, 'subscribeConfirm').id,
      legacy: false,
    });
    // The subscribe function reads the secret for all three purposes, the digest for its preferences links.
    for (const purpose of PURPOSES) {
      const after = parseLinkSecrets(JSON.stringify(written()), purpose);
      for (const secret of [FIRST, NEW]) {
        await expect(
          verifyWith(fixedSecrets(after), purpose, signToken(secret, purpose, 'payload')),
        ).resolves.toBe('payload');
      }
    }
  });

  it('refuses a value with a legacy key, which only unsubscribe has, and writes nothing', async () => {
    stored(JSON.stringify({ current: FIRST, legacy: 'l'.repeat(64) }), new Date(0), SUBSCRIBE_ID);

    await expect(rotateSubscribe()).rejects.toThrow(LinkSecretsError);
    expect(puts()).toHaveLength(0);
  });

  it('refuses to rotate it again within 91 days, unless forced', async () => {
    stored(JSON.stringify({ current: FIRST }), new Date(NOW.getTime() - 10 * DAY), SUBSCRIBE_ID);

    await expect(rotateSubscribe()).rejects.toThrow(/The current subscribe key became current on/);
    await rotateSubscribe({ force: true });
    expect(written()).toEqual({ current: NEW, previous: FIRST });
  });
});

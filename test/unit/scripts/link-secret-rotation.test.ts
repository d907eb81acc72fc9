import {
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  RotationRefusedError,
  rotateLinkSecret,
  secretIdFor,
  type RotationOptions,
} from '../../../scripts/link-secret-rotation.js';
import { verifyWith, fixedSecrets, parseLinkSecrets } from '../../../src/links/link-secrets.js';
import { signToken } from '../../../src/links/signed-token.js';

const secretsManager = mockClient(SecretsManagerClient);
afterAll(() => {
  secretsManager.restore();
});
afterEach(() => {
  secretsManager.reset();
});

const ID = secretIdFor('prod', 'unsubscribe');
const FIRST = 'f'.repeat(64);
const NEW = 'n'.repeat(64);
const NOW = new Date('2027-06-01T00:00:00Z');
const DAY = 86_400_000;

function stored(value: string, currentSince: Date) {
  secretsManager
    .on(GetSecretValueCommand, { SecretId: ID })
    .resolves({ SecretString: value })
    .on(ListSecretVersionIdsCommand, { SecretId: ID })
    .resolves({
      Versions: [
        { VersionId: 'old', VersionStages: ['AWSPREVIOUS'], CreatedDate: new Date(0) },
        { VersionId: 'now', VersionStages: ['AWSCURRENT'], CreatedDate: currentSince },
      ],
    })
    .on(PutSecretValueCommand)
    .resolves({});
}

const rotate = (options: Partial<RotationOptions> = {}) =>
  rotateLinkSecret(new SecretsManagerClient({ region: 'eu-west-1' }), {
    secretId: ID,
    link: 'unsubscribe',
    now: NOW,
    newSecret: () => NEW,
    ...options,
  });

const written = () => {
  const value = secretsManager.commandCalls(PutSecretValueCommand)[0]?.args[0].input.SecretString;
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
    expect(secretsManager.commandCalls(PutSecretValueCommand)).toHaveLength(0);
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
    expect(secretsManager.commandCalls(PutSecretValueCommand)).toHaveLength(0);
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

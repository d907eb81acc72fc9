/**
 * `npm run subscribers` as an operator runs it: the real script in its own process, against dynalite, with
 * the table and endpoint from the environment and fake credentials.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbClient } from '../../src/aws/clients.js';
import { createDigestTable } from '../../src/aws/digest-table.js';
import { createDynamoDbSubscriberStore } from '../../src/aws/dynamodb-subscriber-store.js';
import { subscriberId } from '../../src/digest/subscribers.js';
import { startDynamoDbEmulator, type DynamoDbEmulator } from '../../src/local/dynamodb-emulator.js';
import { LOCAL_REGION, LOCAL_CLIENT_CREDENTIALS } from '../../src/local/emulators.js';
import { runSubscribersCli, type CliRun } from '../support/subscribers-cli.js';

let emulator: DynamoDbEmulator;
let client: DynamoDBClient;
let directory: string;

beforeAll(async () => {
  emulator = await startDynamoDbEmulator();
  client = createDynamoDbClient(
    { AWS_REGION: LOCAL_REGION, DYNAMODB_ENDPOINT: emulator.endpoint },
    { credentials: LOCAL_CLIENT_CREDENTIALS },
  );
  directory = await mkdtemp(join(tmpdir(), 'subscribers-cli-'));
});
afterAll(async () => {
  client.destroy();
  await emulator.close();
  await rm(directory, { recursive: true, force: true });
});

function subscribers(table: string, ...args: string[]): Promise<CliRun> {
  return runSubscribersCli(args, {
    DIGEST_TABLE: table,
    DYNAMODB_ENDPOINT: emulator.endpoint,
    DIGEST_TIME_ZONE: 'Europe/Lisbon',
    DIGEST_SEND_HOUR: '6',
  });
}

async function newTable(): Promise<string> {
  const table = `cli-${randomUUID()}`;
  await createDigestTable(client, table);
  return table;
}

const CSV = [
  'email,timeZone,sendAt,topics,keywords',
  'ana@example.com,Asia/Kathmandu,08:00,climate;energy,"tram, north"',
  'bo@example.org,,,,',
  'not-an-address,,,,',
  '',
].join('\r\n');

describe('npm run subscribers', () => {
  it('imports a CSV, reports the bad line, and changes nothing when the file is imported again', async () => {
    const table = await newTable();
    const file = join(directory, 'list.csv');
    await writeFile(file, `\uFEFF${CSV}`);

    const first = await subscribers(table, 'import', file);
    const again = await subscribers(table, 'import', file);

    expect(first.stdout).toContain('line 4: rejected: email: must be an email address');
    expect(first.summary).toEqual({ added: 2, updated: 0, unchanged: 0, skipped: 0, rejected: 1 });
    expect(first.code).toBe(1);
    expect(again.summary).toEqual({ added: 0, updated: 0, unchanged: 2, skipped: 0, rejected: 1 });
    const store = createDynamoDbSubscriberStore(client, table);
    expect(await store.get(subscriberId('bo@example.org'))).toMatchObject({
      subscriber: { timeZone: 'Europe/Lisbon', sendAt: '06:00', topics: [], keywords: [] },
    });
  }, 60_000);

  it('lists, removes and adds back, and leaves a removed subscriber out of a later import', async () => {
    const table = await newTable();
    const file = join(directory, 'clean.json');
    await writeFile(
      file,
      JSON.stringify({
        subscribers: [{ email: 'ana@example.com', topics: ['climate'] }, { email: 'bo@example.org' }],
      }),
    );
    expect((await subscribers(table, 'import', file)).code).toBe(0);

    const removed = await subscribers(table, 'remove', 'ana@example.com');
    const removedAgain = await subscribers(table, 'remove', 'ana@example.com');
    const unknown = await subscribers(table, 'remove', 'nobody@example.com');
    const reimport = await subscribers(table, 'import', file);
    const listed = await subscribers(table, 'list');
    const added = await subscribers(
      table,
      'add',
      'ana@example.com',
      '--send-at',
      '09:00',
      '--keywords',
      'tram,bus',
    );

    expect(removed).toMatchObject({ code: 0, summary: { removed: true, known: true } });
    expect(removedAgain).toMatchObject({ code: 0, summary: { removed: false, known: true } });
    expect(unknown).toMatchObject({ code: 1, summary: { removed: false, known: false } });
    expect(reimport.stdout).toContain('subscribers[0]: skipped: unsubscribed themselves');
    expect(reimport).toMatchObject({ code: 0, summary: { added: 0, unchanged: 1, skipped: 1, rejected: 0 } });
    expect(listed.summary).toEqual({ subscribed: 1, unsubscribed: 1 });
    expect(listed.stdout).toMatch(/ana@example\.com\tEurope\/Lisbon\t06:00\tunsubscribed \S+\tclimate\t/);
    expect(listed.stdout).toMatch(/bo@example\.org\tEurope\/Lisbon\t06:00\tsubscribed\t\t/);
    expect(added).toMatchObject({ code: 0, summary: { outcome: 'resubscribed' } });
    const store = createDynamoDbSubscriberStore(client, table);
    expect(await store.get(subscriberId('ana@example.com'))).toMatchObject({
      subscriber: { sendAt: '09:00', topics: ['climate'], keywords: ['tram', 'bus'] },
    });
  }, 60_000);

  it('adds and imports weekly subscribers (--frequency weekly --weekday fri, CSV frequency,weekday) and lists them', async () => {
    const table = await newTable();
    const added = await subscribers(
      table,
      'add',
      'wes@example.com',
      '--frequency',
      'weekly',
      '--weekday',
      'fri',
    );
    const noDay = await subscribers(table, 'add', 'nod@example.com', '--frequency', 'weekly');
    const file = join(directory, 'weekly.csv');
    await writeFile(
      file,
      ['email,frequency,weekday', 'sun@example.com,weekly,sun', 'day@example.com,daily,', ''].join('\n'),
    );
    const imported = await subscribers(table, 'import', file);
    const listed = await subscribers(table, 'list');

    expect(added).toMatchObject({ code: 0, summary: { outcome: 'added' } });
    expect(added.stdout).toContain('added wes@example.com (Europe/Lisbon, 06:00 weekly fri)');
    expect(noDay.code).toBe(1);
    expect(noDay.stdout).toContain('weekday: is required for a weekly digest (mon..sun)');
    expect(imported.summary).toEqual({ added: 2, updated: 0, unchanged: 0, skipped: 0, rejected: 0 });
    expect(listed.stdout).toMatch(/wes@example\.com\tEurope\/Lisbon\t06:00 weekly fri\tsubscribed/);
    expect(listed.stdout).toMatch(/sun@example\.com\tEurope\/Lisbon\t06:00 weekly sun\tsubscribed/);
    expect(listed.stdout).toMatch(/day@example\.com\tEurope\/Lisbon\t06:00\tsubscribed/);
    const store = createDynamoDbSubscriberStore(client, table);
    expect(await store.get(subscriberId('wes@example.com'))).toMatchObject({
      subscriber: { frequency: 'weekly', weekday: 'fri' },
    });
  }, 60_000);

  it('says what is wrong and what to do, with exit status 2 for a wrong command line', async () => {
    const table = await newTable();

    const noCommand = await subscribers(table, 'frobnicate');
    const missingTable = await subscribers('no-such-table', 'list');
    const badFile = await subscribers(table, 'import', join(directory, 'list.xlsx'));
    const misspelt = await subscribers(table, 'add', 'ana@example.com', '--timezone', 'UTC');

    expect(noCommand).toMatchObject({ code: 2 });
    expect(misspelt).toMatchObject({ code: 2 });
    expect(misspelt.stderr).toContain('unknown option --timezone: did you mean --time-zone?');
    expect(noCommand.stderr).toContain('unknown command "frobnicate"');
    expect(missingTable.code).toBe(1);
    expect(missingTable.stderr).toContain('the table does not exist');
    expect(badFile.stderr).toContain('import reads a .csv file');
  }, 60_000);

  it('says to start the local stack when nothing answers at the endpoint', async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused.
    const run = await runSubscribersCli(['list'], {
      DIGEST_TABLE: 'gone',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:1',
    });

    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toMatch(
      /^subscribers: cannot reach the DynamoDB or S3 endpoint \(.*ECONNREFUSED.*\): is the local stack running\? start it with npm start$/,
    );
  }, 60_000);
});

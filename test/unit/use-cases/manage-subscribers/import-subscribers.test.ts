import { describe, expect, it } from 'vitest';
import { subscriberId, type Subscriber } from '../../../../src/digest/subscribers.js';
import {
  addSubscriber,
  ImportFileError,
  importFormatOf,
  importSubscribers,
  MAX_IMPORT_BYTES,
  parseImportFile,
} from '../../../../src/use-cases/manage-subscribers/import-subscribers.js';
import type {
  StoredSubscriber,
  SubscriberAdmin,
} from '../../../../src/use-cases/manage-subscribers/ports.js';

const defaults = { timeZone: 'UTC', sendAt: '07:00' };
const AT = new Date('2026-11-30T12:00:00.000Z');

/** The admin port in memory, counting writes: what an import may and may not rewrite. */
function memoryAdmin(initial: StoredSubscriber[] = []) {
  const rows = new Map(initial.map((s) => [s.subscriber.id, s]));
  const puts: Subscriber[] = [];
  const admin: SubscriberAdmin = {
    async put(subscriber, at) {
      puts.push(subscriber);
      // As the store does: subscribed again, created once.
      const createdAt = rows.get(subscriber.id)?.createdAt ?? at.toISOString();
      rows.set(subscriber.id, { subscriber, createdAt, updatedAt: at.toISOString() });
    },
    async remove(id, at) {
      const row = rows.get(id);
      if (row === undefined || row.unsubscribedAt !== undefined) return false;
      rows.set(id, { ...row, unsubscribedAt: at.toISOString() });
      return true;
    },
    get: async (id) => rows.get(id),
    async *list() {
      yield [...rows.values()];
    },
  };
  return { admin, rows, puts };
}

const csv = (...lines: string[]) => lines.join('\r\n');

describe('parsing an import file', () => {
  it('reads CSV with a BOM, CRLF, quoted commas and quotes, ";" lists and empty fields left to the defaults', () => {
    const file = parseImportFile(
      '\uFEFF' +
        csv(
          'email,timeZone,sendAt,topics,keywords',
          'ana@example.com,Europe/Lisbon,06:00,Climate; Energy,"tram line, north"',
          'bo@example.org,,,,',
          '"cy@example.net",Asia/Kathmandu,,,"say ""hi"""',
          '',
        ),
      'csv',
    );

    expect(file.rejected).toEqual([]);
    expect(file.entries).toEqual([
      {
        location: 'line 2',
        entry: {
          email: 'ana@example.com',
          timeZone: 'Europe/Lisbon',
          sendAt: '06:00',
          topics: ['Climate', 'Energy'],
          keywords: ['tram line, north'],
        },
      },
      { location: 'line 3', entry: { email: 'bo@example.org' } },
      {
        location: 'line 4',
        entry: { email: 'cy@example.net', timeZone: 'Asia/Kathmandu', keywords: ['say "hi"'] },
      },
    ]);
  });

  it('takes the columns in any order, any subset with email, and numbers lines after a quoted line break', () => {
    const file = parseImportFile(
      ['sendAt,Email', '08:00,ana@example.com', '', '"09:00\n",bo@example.org', '10:00,cy@example.net'].join(
        '\n',
      ),
      'csv',
    );

    expect(file.entries.map((e) => e.location)).toEqual(['line 2', 'line 4', 'line 6']);
    expect(file.entries[0]?.entry).toEqual({ email: 'ana@example.com', sendAt: '08:00' });
  });

  it('rejects a line with the wrong number of fields or a stray quote, with its line number', () => {
    const file = parseImportFile(
      csv(
        'email,topics',
        'ana@example.com,climate,energy',
        'bo@exa"mple.org,x',
        'cy@example.net,"x"y',
        'dee@example.com,"open',
      ),
      'csv',
    );

    expect(file.entries).toEqual([]);
    expect(file.rejected).toEqual([
      { location: 'line 2', reason: expect.stringContaining('has 3 fields, the header 2') },
      { location: 'line 3', reason: expect.stringContaining('a quote inside a field') },
      { location: 'line 4', reason: expect.stringContaining('text after a closing quote') },
      { location: 'line 5', reason: expect.stringContaining('not closed') },
    ]);
  });

  it('refuses a file without a usable header as a whole', () => {
    expect(() => parseImportFile('', 'csv')).toThrow(/the file is empty/);
    expect(() => parseImportFile('ana@example.com,UTC', 'csv')).toThrow(/must be the header/);
    expect(() => parseImportFile('email,zone', 'csv')).toThrow(/unknown: "zone"/);
    expect(() => parseImportFile('email,Email', 'csv')).toThrow(/named twice/);
  });

  it('reads the old subscribers document, entry by entry', () => {
    const file = parseImportFile(
      JSON.stringify({ subscribers: [{ email: 'ana@example.com', topics: ['climate'] }, 'nope'] }),
      'json',
    );

    expect(file.entries).toEqual([
      { location: 'subscribers[0]', entry: { email: 'ana@example.com', topics: ['climate'] } },
      { location: 'subscribers[1]', entry: 'nope' },
    ]);
    expect(() => parseImportFile('{"subscribers": ', 'json')).toThrow(ImportFileError);
    expect(() => parseImportFile('[{"email":"ana@example.com"}]', 'json')).toThrow(
      /\{"subscribers": \[ \.\.\. \]\}/,
    );
  });

  it('knows the format from the file name and refuses anything else', () => {
    expect(importFormatOf('list.CSV')).toBe('csv');
    expect(importFormatOf('subscribers.json')).toBe('json');
    expect(() => importFormatOf('list.xlsx')).toThrow(/\.csv file .* or a \.json/);
  });

  it('refuses text over the size limit before parsing it', () => {
    expect(() => parseImportFile('x'.repeat(MAX_IMPORT_BYTES + 1), 'csv')).toThrow(
      /split it into smaller files/,
    );
  });
});

describe('importing subscribers', () => {
  it('writes the valid entries and reports each rejected one with the digest rules reason', async () => {
    const { admin, rows } = memoryAdmin();
    const file = parseImportFile(
      csv(
        'email,timeZone,sendAt,topics',
        'ana@example.com,Europe/Lisbon,06:00,climate',
        'not-an-address,,,',
        'bo@example.org,Mars/Olympus,,',
        'cy@example.net,,07:30,',
        'ANA@example.com,,,',
        'dee@example.com,,,',
      ),
      'csv',
    );

    const report = await importSubscribers(admin, file, defaults, AT);

    expect(report).toMatchObject({ added: 2, updated: 0, unchanged: 0, skipped: [] });
    expect(report.rejected).toEqual([
      { location: 'line 3', reason: expect.stringContaining('email: must be an email address') },
      { location: 'line 4', reason: expect.stringContaining('timeZone: must be an IANA time zone name') },
      { location: 'line 5', reason: expect.stringContaining('sendAt: must be a whole hour') },
      {
        location: 'line 6',
        reason: 'email: listed more than once (first at line 2); the first entry is used',
      },
    ]);
    expect(rows.get(subscriberId('dee@example.com'))?.subscriber).toMatchObject({
      timeZone: 'UTC',
      sendAt: '07:00',
    });
  });

  it('changes nothing when the same file is imported again, and updates only what changed', async () => {
    const { admin, puts } = memoryAdmin();
    const first = csv('email,topics', 'ana@example.com,climate', 'bo@example.org,');
    await importSubscribers(admin, parseImportFile(first, 'csv'), defaults, AT);
    puts.length = 0;

    const again = await importSubscribers(admin, parseImportFile(first, 'csv'), defaults, AT);
    const changed = await importSubscribers(
      admin,
      parseImportFile(csv('email,topics', 'ana@example.com,climate;energy', 'bo@example.org,'), 'csv'),
      defaults,
      AT,
    );

    expect(again).toMatchObject({ added: 0, updated: 0, unchanged: 2, rejected: [] });
    expect(changed).toMatchObject({ added: 0, updated: 1, unchanged: 1 });
    expect(puts.map((s) => s.email)).toEqual(['ana@example.com']);
  });

  it('does not re-subscribe someone who unsubscribed; add does', async () => {
    const { admin, rows } = memoryAdmin();
    await importSubscribers(admin, parseImportFile(csv('email', 'ana@example.com'), 'csv'), defaults, AT);
    await admin.remove(subscriberId('ana@example.com'), AT);

    const report = await importSubscribers(
      admin,
      parseImportFile(csv('email', 'ana@example.com'), 'csv'),
      defaults,
      AT,
    );
    const added = await addSubscriber(admin, { email: 'ana@example.com' }, defaults, AT);

    expect(report.skipped).toEqual([
      {
        location: 'line 2',
        reason: `unsubscribed themselves on ${AT.toISOString()}; not re-added, use add to re-subscribe`,
      },
    ]);
    expect(report.rejected).toEqual([]);
    expect(added).toMatchObject({ outcome: 'resubscribed' });
    expect(rows.get(subscriberId('ana@example.com'))?.unsubscribedAt).toBeUndefined();
  });

  it('adds with the defaults, and updates an existing subscriber keeping what the command leaves out', async () => {
    const { admin } = memoryAdmin();

    const added = await addSubscriber(
      admin,
      { email: 'ana@example.com', timeZone: 'Europe/Lisbon', topics: ['climate'] },
      defaults,
      AT,
    );
    const updated = await addSubscriber(admin, { email: 'ana@example.com', sendAt: '09:00' }, defaults, AT);
    const unchanged = await addSubscriber(admin, { email: 'ana@example.com' }, defaults, AT);
    const rejected = await addSubscriber(admin, { email: 'ana@example.com', sendAt: '9' }, defaults, AT);

    expect(added).toMatchObject({
      outcome: 'added',
      subscriber: { timeZone: 'Europe/Lisbon', sendAt: '07:00' },
    });
    expect(updated).toMatchObject({
      outcome: 'updated',
      subscriber: { timeZone: 'Europe/Lisbon', sendAt: '09:00', topics: ['climate'] },
    });
    expect(unchanged).toMatchObject({ outcome: 'unchanged' });
    expect(rejected).toEqual({ reason: expect.stringContaining('sendAt') });
  });
});

describe('daily or weekly, in a file and with add', () => {
  it('reads the frequency and weekday columns, rejects a weekly line without a weekday, and re-imports as unchanged', async () => {
    const file = parseImportFile(
      csv(
        'email,sendAt,frequency,weekday',
        'wes@example.com,08:00,weekly,fri',
        'dee@example.com,,,',
        'nod@example.com,,weekly,',
        'bad@example.com,,daily,mon',
      ),
      'csv',
    );
    const { admin, rows } = memoryAdmin();
    const report = await importSubscribers(admin, file, defaults, AT);
    expect(report).toMatchObject({ added: 2 });
    expect(report.rejected).toEqual([
      { location: 'line 4', reason: 'weekday: is required for a weekly digest (mon..sun)' },
      {
        location: 'line 5',
        reason: 'weekday: is only for a weekly digest: set frequency to "weekly" or leave weekday out',
      },
    ]);
    expect(rows.get(subscriberId('wes@example.com'))?.subscriber).toMatchObject({
      sendAt: '08:00',
      frequency: 'weekly',
      weekday: 'fri',
    });
    expect(rows.get(subscriberId('dee@example.com'))?.subscriber.frequency).toBeUndefined();
    expect(await importSubscribers(admin, file, defaults, AT)).toMatchObject({
      added: 0,
      updated: 0,
      unchanged: 2,
    });
  });

  it('a re-import without some columns, or with empty fields, keeps what existing subscribers have', async () => {
    const { admin, rows, puts } = memoryAdmin();
    const full = csv(
      'email,timeZone,sendAt,topics,frequency,weekday',
      'wes@example.com,Europe/Lisbon,08:00,climate,weekly,fri',
    );
    await importSubscribers(admin, parseImportFile(full, 'csv'), defaults, AT);
    puts.length = 0;

    const addresses = await importSubscribers(
      admin,
      parseImportFile(csv('email', 'wes@example.com', 'new@example.com'), 'csv'),
      defaults,
      AT,
    );
    const emptyFields = await importSubscribers(
      admin,
      parseImportFile(csv('email,sendAt,topics', 'wes@example.com,,'), 'csv'),
      defaults,
      AT,
    );
    const oneChange = await importSubscribers(
      admin,
      parseImportFile(csv('email,weekday', 'wes@example.com,mon'), 'csv'),
      defaults,
      AT,
    );

    expect(addresses).toMatchObject({ added: 1, updated: 0, unchanged: 1, rejected: [] });
    expect(emptyFields).toMatchObject({ added: 0, updated: 0, unchanged: 1, rejected: [] });
    expect(oneChange).toMatchObject({ added: 0, updated: 1, unchanged: 0, rejected: [] });
    expect(rows.get(subscriberId('wes@example.com'))?.subscriber).toMatchObject({
      timeZone: 'Europe/Lisbon',
      sendAt: '08:00',
      topics: ['climate'],
      frequency: 'weekly',
      weekday: 'mon',
    });
    // Someone new still gets the defaults.
    expect(rows.get(subscriberId('new@example.com'))?.subscriber).toMatchObject({
      timeZone: 'UTC',
      sendAt: '07:00',
      topics: [],
    });
    expect(puts.map((s) => s.email)).toEqual(['new@example.com', 'wes@example.com']);
  });

  it('add switches to weekly, changes only the weekday, and back to daily dropping the weekday', async () => {
    const { admin, rows } = memoryAdmin();
    const id = subscriberId('wes@example.com');
    await addSubscriber(admin, { email: 'wes@example.com', sendAt: '06:00' }, defaults, AT);
    expect(
      await addSubscriber(admin, { email: 'wes@example.com', frequency: 'weekly' }, defaults, AT),
    ).toEqual({
      reason: 'weekday: is required for a weekly digest (mon..sun)',
    });
    await addSubscriber(
      admin,
      { email: 'wes@example.com', frequency: 'weekly', weekday: 'fri' },
      defaults,
      AT,
    );
    expect(rows.get(id)?.subscriber).toMatchObject({ sendAt: '06:00', frequency: 'weekly', weekday: 'fri' });
    await addSubscriber(admin, { email: 'wes@example.com', weekday: 'mon' }, defaults, AT);
    expect(rows.get(id)?.subscriber).toMatchObject({ frequency: 'weekly', weekday: 'mon' });
    expect(await addSubscriber(admin, { email: 'wes@example.com', topics: [] }, defaults, AT)).toMatchObject({
      outcome: 'unchanged',
    });
    await addSubscriber(admin, { email: 'wes@example.com', frequency: 'daily' }, defaults, AT);
    expect(rows.get(id)?.subscriber).toMatchObject({ frequency: 'daily', sendAt: '06:00' });
    expect(rows.get(id)?.subscriber).not.toHaveProperty('weekday');
  });
});

import { describe, expect, it } from 'vitest';
import { nextWindow, type LedgerEntry } from '../../../src/digest/ledger.js';
import { summaryPartitions } from '../../../src/bucket-layout.js';
import { selectForSubscriber } from '../../../src/digest/select.js';
import { storedSummary } from '../../support/digest-memory.js';
import { buildSummary } from '../../support/summary-fixtures.js';

const now = new Date('2026-11-24T07:00:00Z');
const entry = (windowTo: string): LedgerEntry => ({
  subscriberId: 'abc',
  localDate: '2026-11-23',
  status: 'sent',
  messageId: 'm-1',
  windowFrom: '2026-11-22T07:00:00.000Z',
  windowTo,
  itemCount: 3,
  recordedAt: windowTo,
});

describe('digest windows', () => {
  it('start where the previous digest ended, so consecutive windows neither overlap nor leave gaps', () => {
    expect(nextWindow(entry('2026-11-23T07:00:00.000Z'), now)).toEqual({
      from: new Date('2026-11-23T07:00:00.000Z'),
      to: now,
    });
  });

  it('end on a whole second, so a summary stored in the same second just after a run is in the next window', () => {
    const run = new Date('2026-11-24T07:00:19.008Z');
    const storedJustAfterListing = new Date('2026-11-24T07:00:19.000Z'); // S3 LastModified: whole seconds

    const first = nextWindow(undefined, run);
    const second = nextWindow(entry(first.to.toISOString()), new Date('2026-11-25T07:00:00Z'));

    expect(storedJustAfterListing < first.to).toBe(false);
    expect(storedJustAfterListing >= second.from && storedJustAfterListing < second.to).toBe(true);
  });

  it('start after a rejected digest where it started: what it would have carried is not lost', () => {
    const rejected: LedgerEntry = {
      ...entry('2026-11-23T07:00:00.000Z'),
      status: 'rejected',
      messageId: undefined,
      windowFrom: '2026-11-22T07:00:00.000Z',
    };

    expect(nextWindow(rejected, now)).toEqual({ from: new Date('2026-11-22T07:00:00.000Z'), to: now });
  });

  it('cover the last 24 hours for a first digest and at most 7 days after a long gap', () => {
    expect(nextWindow(undefined, now).from).toEqual(new Date('2026-11-23T07:00:00Z'));
    expect(nextWindow(entry('2026-10-01T07:00:00.000Z'), now).from).toEqual(new Date('2026-11-17T07:00:00Z'));
  });

  it('for a weekly digest: the first covers the last 7 days, a long gap at most 15 (two weeks and a day)', () => {
    const weekly = { frequency: 'weekly' as const };
    expect(nextWindow(undefined, now, weekly).from).toEqual(new Date('2026-11-17T07:00:00Z'));
    expect(nextWindow(entry('2026-10-01T07:00:00.000Z'), now, weekly).from).toEqual(
      new Date('2026-11-09T07:00:00Z'),
    );
    // A digest caught up late in its week (the previous one ended 13 days ago): all of it.
    expect(nextWindow(entry('2026-11-11T07:00:00.000Z'), now, weekly).from).toEqual(
      new Date('2026-11-11T07:00:00Z'),
    );
    // A week and some missed hours: all of it.
    expect(nextWindow(entry('2026-11-16T09:00:00.000Z'), now, weekly).from).toEqual(
      new Date('2026-11-16T09:00:00Z'),
    );
    expect(nextWindow(entry('2026-11-16T09:00:00.000Z'), now).from).toEqual(new Date('2026-11-17T07:00:00Z'));
  });

  it('hold the summaries stored in [from, to) that match the filters', () => {
    const window = { from: new Date('2026-11-23T07:00:00Z'), to: now };
    const at = (iso: string, title: string, keywords: string[] = []) =>
      storedSummary(buildSummary({ title, keywords }), new Date(iso));
    const items = [
      at('2026-11-23T06:59:59Z', 'Too early'),
      at('2026-11-23T07:00:00Z', 'On the start edge', ['climate']),
      at('2026-11-24T06:59:59Z', 'Just in time about the Tram Line'),
      at('2026-11-24T07:00:00Z', 'On the end edge: next window', ['climate']),
    ];

    const titles = (topics: string[], keywords: string[]) =>
      selectForSubscriber(items, { topics, keywords }, window).map((i) => i.summary.title.text);

    expect(titles([], [])).toEqual(['On the start edge', 'Just in time about the Tram Line']);
    expect(titles(['climate'], [])).toEqual(['On the start edge']);
    expect(titles([], ['tram line'])).toEqual(['Just in time about the Tram Line']);
    expect(titles([], ['tram lines'])).toEqual([]);
  });

  it('match a topic to the key phrases that hold it as whole words', () => {
    const window = { from: new Date('2026-11-23T07:00:00Z'), to: now };
    const raid = storedSummary(
      buildSummary({ title: 'Raid', keywords: ['Russian special forces', 'Nalchik'] }),
      new Date('2026-11-23T08:00:00Z'),
    );
    const matches = (topic: string) =>
      selectForSubscriber([raid], { topics: [topic], keywords: [] }, window).length;

    expect(matches('special forces')).toBe(1);
    expect(matches('forces')).toBe(1);
    expect(matches('nalchik')).toBe(1);
    expect(matches('force')).toBe(0);
    expect(matches('russia')).toBe(0);
    expect(matches('special forces unit')).toBe(0);
  });

  it('read the upload-date partitions from 16 days before the window (dead-letter retention) up to its end', () => {
    const partitions = summaryPartitions('summaries/', new Date('2026-11-23T07:00:00Z'), now);

    expect(partitions[0]).toBe('summaries/2026/11/07/');
    expect(partitions.at(-1)).toBe('summaries/2026/11/24/');
    expect(partitions).toHaveLength(18);
    expect(new Set(partitions).size).toBe(partitions.length);
  });
});

import { describe, expect, it } from 'vitest';
import {
  parseSubscriberEntry,
  parseSubscribers,
  subscriberSchema,
  subscriberId,
} from '../../../src/digest/subscribers.js';

const defaults = { timeZone: 'Europe/Lisbon', sendAt: '07:00' };

describe('the subscribers list', () => {
  it('reads each entry, filling in the default zone and send time and lowercasing filters', () => {
    const list = parseSubscribers(
      {
        subscribers: [
          { email: 'Ana@Example.com', timeZone: 'Asia/Kathmandu', sendAt: '06:00', topics: ['Climate'] },
          { email: 'bo@example.org', keywords: ['Tram Line'] },
        ],
      },
      defaults,
    );

    expect(list.invalid).toEqual([]);
    expect(list.subscribers).toEqual([
      {
        id: subscriberId('ana@example.com'),
        email: 'Ana@Example.com',
        timeZone: 'Asia/Kathmandu',
        sendAt: '06:00',
        topics: ['climate'],
        keywords: [],
      },
      {
        id: subscriberId('bo@example.org'),
        email: 'bo@example.org',
        timeZone: 'Europe/Lisbon',
        sendAt: '07:00',
        topics: [],
        keywords: ['tram line'],
      },
    ]);
  });

  it('reports each bad entry with its index, the entry and the reason, and keeps the rest', () => {
    const list = parseSubscribers(
      {
        subscribers: [
          { email: 'ok@example.com' },
          { email: 'nope' },
          { email: 'tz@example.com', timeZone: 'Europe/Atlantis' },
          { email: 'hour@example.com', sendAt: '7am' },
          { email: 'OK@example.com' },
          { email: 'extra@example.com', colour: 'blue' },
          'just a string',
        ],
      },
      defaults,
    );

    expect(list.subscribers.map((s) => s.email)).toEqual(['ok@example.com']);
    expect(list.invalid.map((i) => [i.index, i.reason])).toEqual([
      [1, expect.stringContaining('email: must be an email address')],
      [2, expect.stringContaining('timeZone: must be an IANA time zone')],
      [3, expect.stringContaining('sendAt: must be a whole local hour "HH:00"')],
      [4, expect.stringContaining('listed more than once')],
      [5, expect.stringContaining('colour')],
      [6, expect.any(String)],
    ]);
    expect(list.invalid[1]?.entry).toEqual({ email: 'tz@example.com', timeZone: 'Europe/Atlantis' });
  });

  it('reports a document of the wrong shape as a whole', () => {
    const list = parseSubscribers([{ email: 'a@example.com' }], defaults);

    expect(list.subscribers).toEqual([]);
    expect(list.invalid[0]?.reason).toContain('{"subscribers": [ ... ]}');
  });

  it('derives a stable id from the lowercased address that does not contain it', () => {
    expect(subscriberId(' Ana@Example.COM ')).toBe(subscriberId('ana@example.com'));
    expect(subscriberId('ana@example.com')).toMatch(/^[a-f0-9]{32}$/);
  });
});

describe('the frequency of a subscriber', () => {
  const parse = (entry: Record<string, unknown>) =>
    parseSubscriberEntry({ email: 'w@example.com', ...entry }, defaults);

  it('is daily by default, with no weekday', () => {
    const parsed = parse({});
    expect(parsed).toEqual({ subscriber: expect.not.objectContaining({ weekday: expect.anything() }) });
    expect('subscriber' in parsed && parsed.subscriber.frequency).toBeFalsy();
    expect(parse({ frequency: 'daily' })).toMatchObject({ subscriber: { frequency: 'daily' } });
  });

  it('is weekly with a weekday, written as mon..sun, any case, or the full name', () => {
    expect(parse({ frequency: 'weekly', weekday: 'fri' })).toMatchObject({
      subscriber: { frequency: 'weekly', weekday: 'fri' },
    });
    expect(parse({ frequency: ' Weekly ', weekday: 'Friday' })).toMatchObject({
      subscriber: { frequency: 'weekly', weekday: 'fri' },
    });
  });

  it('rejects a weekly digest without a weekday, a weekday without weekly, and unknown values, saying why', () => {
    expect(parse({ frequency: 'weekly' })).toEqual({
      reason: 'weekday: is required for a weekly digest (mon..sun)',
    });
    expect(parse({ weekday: 'fri' })).toEqual({
      reason: 'weekday: is only for a weekly digest: set frequency to "weekly" or leave weekday out',
    });
    expect(parse({ frequency: 'daily', weekday: 'fri' })).toHaveProperty('reason');
    expect(parse({ frequency: 'fortnightly' })).toEqual({ reason: 'frequency: must be "daily" or "weekly"' });
    expect(parse({ frequency: 'weekly', weekday: 'fry' })).toEqual({
      reason: 'weekday: must be a weekday: mon, tue, wed, thu, fri, sat or sun',
    });
    expect(parse({ frequency: 'weekly', weekday: 'monkey' })).toHaveProperty('reason');
  });

  it('is checked again as stored: weekday iff weekly', () => {
    const base = {
      id: subscriberId('w@example.com'),
      email: 'w@example.com',
      timeZone: 'UTC',
      sendAt: '07:00',
      topics: [],
      keywords: [],
    };
    expect(subscriberSchema.safeParse({ ...base, frequency: 'weekly', weekday: 'sun' }).success).toBe(true);
    expect(subscriberSchema.safeParse(base).success).toBe(true);
    expect(subscriberSchema.safeParse({ ...base, frequency: 'weekly' }).success).toBe(false);
    expect(subscriberSchema.safeParse({ ...base, weekday: 'sun' }).success).toBe(false);
  });
});

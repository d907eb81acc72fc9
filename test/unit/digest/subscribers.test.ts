import { describe, expect, it } from 'vitest';
import {
  parseSubscribers,
  sendAtFromHour,
  subscriberId,
  subscribersFromRecipients,
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
      [3, expect.stringContaining('sendAt: must be a local time "HH:MM"')],
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

  it('falls back to the environment recipients with the environment zone and hour', () => {
    const list = subscribersFromRecipients(['a@example.com', 'b@example.com'], {
      timeZone: 'UTC',
      sendAt: sendAtFromHour(0),
    });

    expect(list.subscribers.map((s) => [s.email, s.timeZone, s.sendAt])).toEqual([
      ['a@example.com', 'UTC', '00:00'],
      ['b@example.com', 'UTC', '00:00'],
    ]);
  });

  it('derives a stable id from the lowercased address that does not contain it', () => {
    expect(subscriberId(' Ana@Example.COM ')).toBe(subscriberId('ana@example.com'));
    expect(subscriberId('ana@example.com')).toMatch(/^[a-f0-9]{32}$/);
  });
});

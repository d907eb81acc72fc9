/**
 * Wall-clock time in a subscriber's zone, computed with Intl so DST rules and 30/45-minute offsets come
 * from the runtime's time-zone database rather than from arithmetic of our own.
 */

export interface LocalTime {
  /** The local calendar date, `YYYY-MM-DD`. */
  date: string;
  /** Minutes since local midnight (0-1439). */
  minuteOfDay: number;
}

/**
 * One formatter per zone in each cache (one cache per use): building one costs far more than formatting
 * with it.
 */
function formatterIn(
  cache: Map<string, Intl.DateTimeFormat>,
  locale: string,
  timeZone: string,
  options: Omit<Intl.DateTimeFormatOptions, 'timeZone'>,
): Intl.DateTimeFormat {
  let formatter = cache.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(locale, { ...options, timeZone });
    cache.set(timeZone, formatter);
  }
  return formatter;
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();
const dateTimeFormatters = new Map<string, Intl.DateTimeFormat>();

const PARTS: Omit<Intl.DateTimeFormatOptions, 'timeZone'> = {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
};

export function localTime(instant: Date, timeZone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const part of formatterIn(partsFormatters, 'en-US', timeZone, PARTS).formatToParts(instant))
    parts[part.type] = part.value;
  const { year, month, day, hour, minute } = parts;
  return {
    date: `${year}-${month}-${day}`,
    minuteOfDay: Number(hour) * 60 + Number(minute),
  };
}

/** The calendar date before a local date (`YYYY-MM-DD`); calendar arithmetic, so DST plays no part. */
export function previousLocalDate(date: string): string {
  return addDays(date, -1);
}

/** The calendar date after a local date (`YYYY-MM-DD`). */
export function nextLocalDate(date: string): string {
  return addDays(date, 1);
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

const shortDateFormatter = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  weekday: 'short',
  day: 'numeric',
  month: 'short',
});

/**
 * "Tue 24 Nov" for the subject line: the local date the digest belongs to, which is not always the date it
 * is sent on (a missed day is caught up after local midnight).
 */
export function shortLocalDate(date: string): string {
  const parts: Record<string, string> = {};
  for (const part of shortDateFormatter.formatToParts(new Date(`${date}T00:00:00Z`))) {
    parts[part.type] = part.value;
  }
  return `${parts.weekday} ${parts.day} ${parts.month}`;
}

/** "Tue 1 Dec, 07:00 Europe/London" for stating when a presigned link expires. */
export function localDateTime(instant: Date, timeZone: string): string {
  const formatter = formatterIn(dateTimeFormatters, 'en-GB', timeZone, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return `${formatter.format(instant)} ${timeZone}`;
}

/** Parses "HH:MM" into minutes since midnight. */
export function minuteOfDay(hhmm: string): number {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

/**
 * Zones for tests that run the digest at the real time plus a few hours: a fixed zone such as UTC would put
 * those runs on two local dates when the suite happens to run late in the UTC day.
 */

/**
 * An `Etc/GMT±N` zone where it is 08:xx at `now`, so subscribers with `sendAt: 07:00` are due at once and the
 * next two hourly runs fall on the same local date, whatever time of day the test runs.
 */
export function zoneAtEight(now: Date): string {
  let offset = 8 - now.getUTCHours();
  if (offset < -12) offset += 24;
  // POSIX-style names: Etc/GMT-8 is UTC+8.
  return offset === 0 ? 'UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

/** `YYYY-MM-DD` in `zone`. */
export const localDateIn = (zone: string, at: Date): string =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);

/** IANA time zone names, validated once for the config module and the subscriber list alike. */
import * as z from '../zod.js';

/** Valid IANA zone names are the ones this runtime's Intl accepts. */
export const timeZone = z.string().check(
  z.refine(
    (zone) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    },
    { message: 'must be an IANA time zone name such as "Europe/London" or "UTC"' },
  ),
);

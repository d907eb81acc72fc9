/**
 * Dates as written, with an ISO form when the text fixes it. News dates come in a few English patterns
 * ("November 10", "10 November 2015", "Nov. 10, 2015", "Sunday", "in 2013"); the npm date parsers
 * (chrono and the compromise-dates plugin) are heavy for this, so the patterns are matched here.
 */
export interface StatedDate {
  text: string;
  iso?: string;
  start: number;
  end: number;
}

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const MONTH = String.raw`(Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|Aug(?:ust|\.)?|Sept?(?:ember|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)`;
const DAY = String.raw`(\d{1,2})(?:st|nd|rd|th)?`;
const YEAR = String.raw`((?:19|20)\d{2})`;

const PATTERNS: ReadonlyArray<{
  pattern: RegExp;
  parts: (m: RegExpExecArray) => [string?, string?, string?];
}> = [
  { pattern: new RegExp(String.raw`\b${YEAR}-(\d{2})-(\d{2})\b`, 'g'), parts: (m) => [m[1], m[2], m[3]] },
  {
    pattern: new RegExp(String.raw`\b${MONTH}\s+${DAY},?\s+${YEAR}\b`, 'g'),
    parts: (m) => [m[3], month(m[1]), m[2]],
  },
  {
    pattern: new RegExp(String.raw`\b${DAY}\s+${MONTH},?\s+${YEAR}\b`, 'g'),
    parts: (m) => [m[3], month(m[2]), m[1]],
  },
  { pattern: new RegExp(String.raw`\b${MONTH}\s+${YEAR}\b`, 'g'), parts: (m) => [m[2], month(m[1])] },
  {
    pattern: new RegExp(String.raw`\b${MONTH}\s+${DAY}\b(?!,?\s+\d)`, 'g'),
    parts: (m) => [undefined, month(m[1]), m[2]],
  },
  {
    pattern: new RegExp(String.raw`\b${DAY}\s+${MONTH}\b(?!,?\s+\d)`, 'g'),
    parts: (m) => [undefined, month(m[2]), m[1]],
  },
  { pattern: /\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b/g, parts: () => [] },
  { pattern: new RegExp(String.raw`\b(?:in|since|by|until|of|from)\s+${YEAR}\b`, 'g'), parts: (m) => [m[1]] },
];

const MAX_DATES = 20;

/** Dates in order of appearance; a year given by `publishedAt` resolves "November 10" to a full date. */
export function extractDates(text: string, publishedAt?: string): StatedDate[] {
  const contextYear = publishedAt?.match(/\b((?:19|20)\d{2})\b/)?.[1];
  // Dates found by earlier (more specific) patterns, in text order; they never overlap one another.
  let found: StatedDate[] = [];
  for (const { pattern, parts } of PATTERNS) {
    const added: StatedDate[] = [];
    // One pattern's matches come in text order, so one sweep over `found` finds every overlap: linear in
    // the number of dates, where a lookup per match was quadratic on a text that is a list of dates.
    let next = 0;
    for (const m of text.matchAll(pattern)) {
      const literal = m[0].replace(/^(?:in|since|by|until|of|from)\s+/, '');
      const start = m.index + m[0].length - literal.length;
      const end = m.index + m[0].length;
      while ((found[next]?.end ?? Infinity) <= start) next++;
      if ((found[next]?.start ?? Infinity) < end) continue;
      const [year, mm, dd] = parts(m as RegExpExecArray);
      const iso = isoDate(year ?? (mm && dd ? contextYear : undefined), mm, dd);
      added.push({ text: literal, start, end, ...(iso ? { iso } : {}) });
    }
    if (added.length > 0) found = [...found, ...added].sort((a, b) => a.start - b.start);
  }
  const seen = new Set<string>();
  return found.filter((d) => !seen.has(d.text) && seen.add(d.text)).slice(0, MAX_DATES);
}

function month(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const index = MONTHS.findIndex((m) => m.startsWith(name.replace('.', '').toLowerCase().slice(0, 3)));
  return index < 0 ? undefined : String(index + 1).padStart(2, '0');
}

function isoDate(year?: string, mm?: string, dd?: string): string | undefined {
  if (!year) return undefined;
  if (!mm) return year;
  if (!dd) return `${year}-${mm}`;
  const day = dd.padStart(2, '0');
  const date = new Date(`${year}-${mm}-${day}T00:00:00Z`);
  return Number.isNaN(date.getTime()) || date.getUTCDate() !== Number(day)
    ? undefined
    : `${year}-${mm}-${day}`;
}

/**
 * Quantities the article states: value, unit and the words around them. Written here because the
 * number formats of news copy ("$1.13bn", "76%", "240,000", "£600m") are a closed set that a regular
 * expression reads exactly, and `text` is always the literal as it appears in the source.
 */
export interface StatedNumber {
  value: number;
  unit?: string;
  text: string;
  context: string;
}

const CURRENCY: Record<string, string> = { $: 'USD', '£': 'GBP', '€': 'EUR', '¥': 'JPY' };
const SCALE: Record<string, number> = {
  thousand: 1e3,
  k: 1e3,
  million: 1e6,
  m: 1e6,
  mn: 1e6,
  billion: 1e9,
  bn: 1e9,
  b: 1e9,
  trillion: 1e12,
  tn: 1e12,
};
const UNITS =
  'percent|per cent|%|years?|months?|weeks?|days?|hours?|minutes?|seconds?|miles?|km|kilometres?|kilometers?|' +
  'metres?|meters?|feet|ft|inches|pounds|lbs?|kg|kilograms?|tonnes?|tons?|mph|degrees|people|men|women|children|' +
  'students|soldiers|troops|militants|fighters|deaths|victims|votes|points|goals|runs|jobs|homes|users|subscribers|' +
  'customers|cases|times|games|matches|seats|members|workers|employees';

const NUMBER = new RegExp(
  String.raw`(?:([$£€¥])\s?)?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:\s?(thousand|million|billion|trillion|bn|mn|tn|m|k|b)\b)?(?:-?\s?(${UNITS})(?![\p{L}]))?`,
  'gu',
);

const MAX_NUMBERS = 20;

export function extractNumbers(
  text: string,
  skip: ReadonlyArray<{ start: number; end: number }> = [],
): StatedNumber[] {
  const found: StatedNumber[] = [];
  for (const match of text.matchAll(NUMBER)) {
    const start = match.index;
    const literal = match[0].trim();
    const end = start + match[0].length;
    if (skip.some((s) => start < s.end && end > s.start)) continue;
    if (/[\p{L}\d]/u.test(text[start - 1] ?? '') || /^\d{4}$/.test(literal)) continue; // inside a word, or a year
    const [, currency, whole = '', fraction = '', scaleWord, unitWord] = match;
    // News style spells out numbers under ten, so a bare digit is a list marker, a score or a time.
    if (!currency && !scaleWord && !unitWord && !fraction && Number(whole) < 10) continue;
    const base = Number(whole.replace(/,/g, '') + fraction);
    const scale = scaleWord ? (SCALE[scaleWord.toLowerCase()] ?? 1) : 1;
    const unit = [currency ? CURRENCY[currency] : undefined, unitWord ? normalizeUnit(unitWord) : undefined]
      .filter(Boolean)
      .join(' ');
    found.push({
      value: base * scale,
      text: literal,
      context: contextAround(text, start, end),
      ...(unit ? { unit } : {}),
    });
    if (found.length >= MAX_NUMBERS) break;
  }
  return found;
}

function normalizeUnit(word: string): string {
  const lower = word.toLowerCase();
  return lower === '%' || lower === 'per cent' ? 'percent' : lower;
}

/** The clause around a number: up to six words either side, within its sentence. */
function contextAround(text: string, start: number, end: number): string {
  const before =
    text
      .slice(Math.max(0, start - 60), start)
      .split(/[.!?\n]\s/)
      .pop() ?? '';
  const after = text.slice(end, end + 60).split(/[.!?\n](\s|$)/)[0] ?? '';
  const left = before.split(/\s+/).slice(-6).join(' ');
  const right = after.split(/\s+/).slice(0, 7).join(' ');
  return `${left}${text.slice(start, end)}${right}`.replace(/\s+/g, ' ').trim();
}

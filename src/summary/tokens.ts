/** Words, content words and their Porter stems: the units every scorer in this module counts. */
import { stemmer } from 'stemmer';

/**
 * A compact English stopword list (function words only). The npm stopword packages are large
 * multi-language lists; this set is what the scorers need and keeps the bundle small.
 */
export const STOPWORDS = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being below ' +
    'between both but by can could did do does doing down during each even ever few for from further had has ' +
    'have having he her here hers herself him himself his how however i if in into is it its itself just like ' +
    'made make many may me might more most much must my myself never new no nor not now of off often on once ' +
    'one only or other our ours ourselves out over own per said same say says she should since so some still ' +
    'such than that the their theirs them themselves then there these they this those though through to too ' +
    'two under until up upon us very was we were what when where whether which while who whom whose why will ' +
    'with within without would yet you your yours yourself yourselves told tell according get got go going ' +
    'last first year years time way well back even around across along'
  ).split(' '),
);

/**
 * Days and months say when, not what: never a key phrase on their own ("Monday", "DEC", "Mai"), and no sign
 * that two stories report one event. English and the other languages the summarizer detects whose names do
 * not inflect (Russian ones do, and are left out).
 */
export const CALENDAR_WORDS = new Set(
  (
    'monday tuesday wednesday thursday friday saturday sunday january february march april june july august ' +
    'september october november december jan feb mar apr jun jul aug sep sept oct nov dec ' +
    'montag dienstag mittwoch donnerstag freitag samstag sonntag januar februar märz mai juni juli oktober ' +
    'dezember lundi mardi mercredi jeudi vendredi samedi dimanche janvier février mars avril juin juillet ' +
    'août septembre octobre novembre décembre lunes martes miércoles jueves viernes sábado domingo enero ' +
    'febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre lunedì martedì ' +
    'mercoledì giovedì venerdì sabato domenica gennaio febbraio aprile maggio giugno luglio settembre ' +
    'ottobre dicembre segunda terça quarta quinta sexta janeiro fevereiro março maio junho julho setembro ' +
    'outubro novembro dezembro maandag dinsdag woensdag donderdag vrijdag zaterdag zondag januari februari ' +
    'maart mei juni augustus'
  ).split(' '),
);

/** Lowercase word tokens, letters and digits, apostrophes kept inside words. */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu) ?? [];
}

/** Stemming dominates scoring time; a bounded cache keeps a warm Lambda from growing without limit. */
const stemCache = new Map<string, string>();
const STEM_CACHE_LIMIT = 50_000;

export function stem(word: string): string {
  let stemmed = stemCache.get(word);
  if (stemmed === undefined) {
    if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear();
    stemmed = stemmer(withoutPossessive(word));
    stemCache.set(word, stemmed);
  }
  return stemmed;
}

/**
 * Stems of the content words: no stopwords, no one-letter tokens, no bare numbers (a word of `words` without
 * a letter is one: an apostrophe in it is always followed by letters).
 */
export function contentStems(text: string): string[] {
  const stems: string[] = [];
  for (const word of words(text))
    if (word.length > 1 && !STOPWORDS.has(word) && hasLetter(word)) stems.push(stem(word));
  return stems;
}

/** "Clinton's" is Clinton: `word.replace(/['’]s$/, '')` without a regular expression. */
export function withoutPossessive(word: string): string {
  return word.endsWith("'s") || word.endsWith('’s') ? word.slice(0, -2) : word;
}

/** Whether `text` between `from` and `to` is exactly one space, read without slicing it out. */
export const isSingleSpace = (text: string, from: number, to: number): boolean =>
  to === from + 1 && text.charCodeAt(from) === 0x20;

/**
 * A Unicode property test of one code point, by table: each block of 256 code points is classified once,
 * with `pattern`, when first met. The scorers test a character of nearly every word; the table is several
 * times faster than a regular expression, and every script takes the same path, where a separate branch for
 * non-ASCII text, first taken by an accented name, deoptimizes each function it was inlined into.
 */
function codePointTest(pattern: RegExp): (codePoint: number | undefined) => boolean {
  const blocks = new Array<Uint8Array | undefined>(0x1100);
  return (codePoint) => {
    if (codePoint === undefined) return false;
    const high = codePoint >> 8;
    let block = blocks[high];
    if (block === undefined) {
      block = new Uint8Array(256);
      for (let low = 0; low < 256; low++)
        block[low] = pattern.test(String.fromCodePoint((high << 8) | low)) ? 1 : 0;
      blocks[high] = block;
    }
    return block[codePoint & 0xff] === 1;
  };
}

const isLetter = codePointTest(/^\p{L}$/u);
/** A letter or a digit of any script: what `[\p{L}\p{N}]` matches. */
export const isWordCharacter = codePointTest(/^[\p{L}\p{N}]$/u);
const isUppercase = codePointTest(/^\p{Lu}$/u);
const isLowercase = codePointTest(/^\p{Ll}$/u);

/** `/\p{L}/u.test(word)`. */
export function hasLetter(word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const codePoint = word.codePointAt(i) ?? 0;
    if (isLetter(codePoint)) return true;
    if (codePoint > 0xffff) i++;
  }
  return false;
}

/*
 * Reads past the end of a string are checked before they happen, here and below: an out-of-bounds
 * `codePointAt` is undefined, as the code expects, but it deoptimizes the compiled function the first time an
 * article meets it (an empty word, a name at the very end of the text), and the function runs slowly again
 * until it is recompiled.
 */

/** `/^\p{Lu}/u.test(word)`: it runs for nearly every word. */
export const opensUppercase = (word: string): boolean => word.length > 0 && isUppercase(word.codePointAt(0));

/** `/^\p{Ll}/u.test(word)`. */
export const opensLowercase = (word: string): boolean => word.length > 0 && isLowercase(word.codePointAt(0));

const SINGLE_CAPITAL = /^\p{Lu}$/u;
const ALL_CAPITALS = /^\p{Lu}{2,}$/u;
/** An initial: "J", "D". */
export const isSingleCapital = (word: string): boolean => SINGLE_CAPITAL.test(word);
/** An acronym or a shouted word: "NASA", "LONDON". */
export const isAllCapitals = (word: string): boolean => ALL_CAPITALS.test(word);

/**
 * How many words `text` has: how many times `[\p{L}\p{N}]+(?:[-'’.][\p{L}\p{N}]+)*` matches it (flags gu),
 * counted in one scan without building the matches (it runs on every sentence and on the whole text).
 */
export function countWords(text: string): number {
  let count = 0;
  let inWord = false;
  for (let i = 0; i < text.length;) {
    const codePoint = text.codePointAt(i) ?? 0;
    const width = codePoint > 0xffff ? 2 : 1;
    if (isWordCharacter(codePoint)) {
      if (!inWord) count++;
      inWord = true;
    } else {
      // A joiner continues the word only when a letter or digit follows it.
      inWord =
        inWord && isWordJoiner(codePoint) && i + 1 < text.length && isWordCharacter(text.codePointAt(i + 1));
    }
    i += width;
  }
  return count;
}

/** "-", "'", "’" and "." join the parts of one counted word: "well-known", "don't", "U.S". */
const isWordJoiner = (codePoint: number) =>
  codePoint === 0x2d || codePoint === 0x27 || codePoint === 0x2019 || codePoint === 0x2e;

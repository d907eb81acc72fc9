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
    stemmed = stemmer(word.replace(/['’]s$/, ''));
    stemCache.set(word, stemmed);
  }
  return stemmed;
}

/** Stems of the content words: no stopwords, no one-letter tokens, no bare numbers. */
export function contentStems(text: string): string[] {
  return words(text)
    .filter((w) => w.length > 1 && !STOPWORDS.has(w) && !/^\p{N}+$/u.test(w))
    .map(stem);
}

export function countWords(text: string): number {
  return text.match(/[\p{L}\p{N}]+(?:[-'’.][\p{L}\p{N}]+)*/gu)?.length ?? 0;
}

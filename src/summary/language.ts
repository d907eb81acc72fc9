/**
 * The article's language as an ISO 639-1 code, by counting each language's commonest function words.
 * The summarizer's scoring is English; this only labels the text (a full detector such as franc would
 * add a large dependency for a label), and says "und" when no language clearly wins.
 */
const FUNCTION_WORDS: Record<string, readonly string[]> = {
  en: ['the', 'and', 'of', 'to', 'in', 'is', 'that', 'was', 'for', 'with', 'on', 'he', 'it'],
  de: ['der', 'die', 'und', 'das', 'ist', 'nicht', 'mit', 'den', 'ein', 'eine', 'auf', 'sich'],
  fr: ['le', 'la', 'les', 'et', 'des', 'est', 'une', 'dans', 'que', 'pour', 'pas', 'du'],
  es: ['el', 'la', 'los', 'las', 'y', 'que', 'del', 'en', 'una', 'por', 'con', 'para'],
  it: ['il', 'la', 'che', 'di', 'e', 'per', 'una', 'non', 'del', 'della', 'sono', 'con'],
  pt: ['o', 'a', 'os', 'que', 'de', 'não', 'uma', 'para', 'com', 'do', 'da', 'em'],
  nl: ['de', 'het', 'een', 'en', 'van', 'is', 'niet', 'dat', 'op', 'met', 'zijn', 'voor'],
  ru: ['и', 'в', 'не', 'на', 'что', 'с', 'по', 'как', 'это', 'из', 'он', 'к'],
};

/** The commonest function words of a detected language (none for English, whose stopwords are in tokens.ts). */
export function functionWords(language: string): ReadonlySet<string> {
  return new Set(language === 'en' ? [] : (FUNCTION_WORDS[language] ?? []));
}

const COUNTED_WORDS = new Set(Object.values(FUNCTION_WORDS).flat());
const LONGEST_COUNTED = Math.max(...[...COUNTED_WORDS].map((w) => w.length));

const LETTER_RUN = /\p{L}+/gu;

export function detectLanguage(text: string): string {
  const tokens = text.toLowerCase().slice(0, 20_000).match(LETTER_RUN) ?? [];
  // Only the listed words are ever looked up: counting every word was most of this function's time.
  const counts = new Map<string, number>();
  for (const token of tokens)
    if (token.length <= LONGEST_COUNTED && COUNTED_WORDS.has(token))
      counts.set(token, (counts.get(token) ?? 0) + 1);
  const scores = Object.entries(FUNCTION_WORDS)
    .map(([language, list]) => ({ language, score: list.reduce((sum, w) => sum + (counts.get(w) ?? 0), 0) }))
    .sort((a, b) => b.score - a.score);
  const [best, second] = scores;
  if (!best || best.score < 3 || best.score < 1.5 * (second?.score ?? 0)) return 'und';
  return best.language;
}

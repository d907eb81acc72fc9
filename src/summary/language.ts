/**
 * The article's language as an ISO 639-1 code, by counting each language's commonest function words.
 * The summarizer's scoring is English; this only labels the text (a full detector such as franc would
 * add a large dependency for a label), and says "und" when no language clearly wins.
 */
/** Space-separated (shorter in the bundle than arrays of quoted words), split below. */
const FUNCTION_WORD_LISTS: Record<string, string> = {
  en: 'the and of to in is that was for with on he it',
  de: 'der die und das ist nicht mit den ein eine auf sich',
  fr: 'le la les et des est une dans que pour pas du',
  es: 'el la los las y que del en una por con para',
  it: 'il la che di e per una non del della sono con',
  pt: 'o a os que de não uma para com do da em',
  nl: 'de het een en van is niet dat op met zijn voor',
  ru: 'и в не на что с по как это из он к',
};
const FUNCTION_WORDS: Record<string, readonly string[]> = Object.fromEntries(
  Object.entries(FUNCTION_WORD_LISTS).map(([language, words]) => [language, words.split(' ')]),
);

/**
 * More function words per language, which key phrases and headlines never start or end on: pronouns,
 * articles, prepositions and auxiliaries that the dozen detection words above leave out ("ihre", "für", "ont").
 */
const MORE_FUNCTION_WORDS: Record<string, string> = {
  de:
    'dem des einer einem einen eines im ins am zum zur vom beim für von zu an aus bei nach über unter vor ' +
    'durch gegen ohne um bis seit während wegen sie er es wir ihr ihre ihren ihrem ihrer sein seine seinen ' +
    'seinem seiner sind war waren wird werden wurde wurden hat haben hatte hatten kann können soll sollen ' +
    'auch noch nur schon sehr mehr als wie wenn dass oder aber doch jedes jeden jede dieser diese dieses rund etwa',
  fr:
    'un au aux ce cet cette ces son sa ses leur leurs il elle ils elles on nous vous qui dont où sur par avec ' +
    'sans sous entre vers chez mais ou donc ni car plus moins très aussi ont a avait été être sont était sera ' +
    'fait tout tous toute toutes se sa ne en y lui',
  es:
    'un unos unas al lo le les se su sus su este esta estos estas ese esa sobre entre sin hasta desde ha han ' +
    'fue era son está están más muy también pero como cuando donde',
  it:
    'lo gli le un uno al allo alla ai agli alle dal dalla dei degli delle nel nella nei su sul sulla tra fra ' +
    'ha hanno è era sono stato più molto anche ma come quando dove suo sua suoi sue',
  pt:
    'um umas uns ao aos as no na nos nas pelo pela pelos pelas por se seu sua seus suas foi era são está ' +
    'mais muito também mas como quando onde',
  nl:
    'de het een den der des te ten ter aan bij door naar om over tot uit tegen zonder hij zij ze wij het ' +
    'haar hun zijn was waren wordt werd worden heeft hebben had ook nog maar als dan wel meer',
  ru:
    'а но или о об от до за для при про под над без у же ли бы был была были быть его её их она они мы вы ' +
    'я ты то так также уже ещё все всё этот эта эти который которая которые',
};

/** Built once: each summary asks for its language's set more than once. */
const FUNCTION_WORD_SETS = new Map(
  Object.entries(FUNCTION_WORDS)
    .filter(([language]) => language !== 'en')
    .map(([language, words]) => [
      language,
      new Set([...words, ...(MORE_FUNCTION_WORDS[language]?.split(' ') ?? [])]) as ReadonlySet<string>,
    ]),
);
const NO_WORDS: ReadonlySet<string> = new Set();

/**
 * French, Spanish, Italian and Portuguese: their noun phrases put the head first ("piste cyclable", "la gare
 * de Montvallon"), and they capitalize names only.
 */
const ROMANCE_LANGUAGES = new Set(['fr', 'es', 'it', 'pt']);

export const isRomance = (language: string): boolean => ROMANCE_LANGUAGES.has(language);

/** The function words of a detected language (none for English, whose stopwords are in tokens.ts). */
export function functionWords(language: string): ReadonlySet<string> {
  return FUNCTION_WORD_SETS.get(language) ?? NO_WORDS;
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

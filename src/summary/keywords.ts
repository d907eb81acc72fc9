/**
 * Key phrases: the one- to three-word phrases the article repeats, as it writes them ("special forces",
 * "Bank of England"). A phrase never starts or ends with a function word, holds a letter in every word, and
 * occurs at least twice (said once, it is not key), so a short text gets fewer than five. Near-duplicates
 * count as one phrase: singular and plural share Porter stems, and a country and its adjective share a
 * root ("Russia", "Russian"); of a phrase and one inside it, one is kept (see repeatsChosen). Two passes
 * over the words plus a sort of the repeated phrases: linear in the text's length.
 */
import {
  CALENDAR_WORDS,
  STOPWORDS,
  hasLetter,
  isSingleSpace,
  opensUppercase,
  stem,
  withoutPossessive,
} from './tokens.js';

const MAX_KEY_PHRASES = 8;
const MAX_PHRASE_WORDS = 3;
const MIN_OCCURRENCES = 2;
/** Where the lede ends, in words: a phrase seen this early counts double. */
const LEDE_WORDS = 50;
/** The one function word a phrase may hold inside it: "Bank of England", "state of emergency". */
const INNER_FUNCTION_WORD = 'of';

/**
 * A word of the text as phrases see it. `tokenize` fills the first fields, `readWords` the rest in place:
 * one object of one shape per word.
 */
interface Word {
  /** As written, without a possessive "'s". */
  text: string;
  lower: string;
  start: number;
  end: number;
  /** First word of a sentence or line: its capital says nothing about it being a name. */
  opensSentence: boolean;
  /** Joined to the previous token by exactly one space (else no phrase spans the two). */
  joined: boolean;
  /** Porter stem, or for a name its root, so "Russia" and "Russian" share one. */
  key: string;
  /** The key's number within the text: equal keys, equal numbers. */
  keyId: number;
  /** A stopword, one of the language's function words or a contraction of one. */
  functionWord: boolean;
  /** Can end a phrase (and start one): a content word with a letter. */
  content: boolean;
  /** Can start a phrase: a content word, or a capitalized function word inside a sentence ("New York"). */
  opens: boolean;
  /** Shown with a lowercase first letter: a sentence-initial capital on a word that is no name. */
  lowered: boolean;
}

interface Candidate {
  key: string;
  words: number;
  count: number;
  firstSeen: number;
  forms: Map<string, number>;
  /** Word keys, to tell when one phrase holds another. */
  parts: string[];
  /** The keys of the shorter phrases inside it (`innerKeys`), worked out once a phrase is known to repeat. */
  inner: string[];
  /**
   * The word joined before / after every occurrence, when it is always the same one: then the phrase is a
   * piece of a longer one ("Federal Space" of "Russian Federal Space Agency"). Null once they differ.
   */
  before?: string | null;
  after?: string | null;
  /** The form shown: the one the article uses most. */
  form: string;
  isName: boolean;
  /** What choosePhrases ranks it by. */
  score: number;
}

/** `alsoSkip`: function words of the article's language when it is not English. */
/**
 * `headsFirst`: the language puts a phrase's head first ("piste cyclable" is a piste), as French, Spanish,
 * Italian and Portuguese do; English puts it last ("special forces" are forces).
 */
export function extractKeywords(
  text: string,
  alsoSkip: ReadonlySet<string> = new Set(),
  headsFirst = false,
): string[] {
  const tokens = readWords(text, alsoSkip);
  const phrases = listPhrases(tokens);
  // Counted first, so that the details below are kept only for the few phrases that repeat.
  const counts = new Map<number, number>();
  for (const id of phrases.ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  const candidates = new Map<number, Candidate>();
  phrases.ids.forEach((id, i) => {
    if ((counts.get(id) ?? 0) < MIN_OCCURRENCES) return;
    const from = phrases.starts[i] ?? 0;
    const words = phrases.lengths[i] ?? 0;
    const first = tokens[from] as Word;
    const last = tokens[from + words - 1] as Word;
    let candidate = candidates.get(id);
    if (!candidate) {
      const parts = tokens.slice(from, from + words).map((t) => t.key);
      candidate = {
        key: parts.join(' '),
        words,
        count: 0,
        firstSeen: from,
        forms: new Map(),
        parts,
        inner: [],
        form: '',
        isName: false,
        score: 0,
      };
      candidates.set(id, candidate);
    }
    const previous = tokens[from - 1];
    const next = tokens[from + words];
    candidate.before = sameNeighbour(candidate.before, first.joined && previous?.content ? previous.key : '');
    candidate.after = sameNeighbour(candidate.after, next?.joined && next.content ? next.key : '');
    const form = displayForm(text.slice(first.start, last.end), first);
    candidate.count += 1;
    candidate.forms.set(form, (candidate.forms.get(form) ?? 0) + 1);
  });
  const repeated = [...candidates.values()].filter(
    (c) => c.count >= MIN_OCCURRENCES && !c.before && !c.after,
  );
  for (const candidate of repeated) {
    candidate.form = mostWrittenForm(candidate.forms);
    candidate.isName = isNameForm(candidate.form);
    candidate.inner = innerKeys(candidate.parts);
  }
  return choosePhrases(repeated, headsFirst);
}

/**
 * Longer phrases first claim the occurrences of the words inside them: "special" counts only where it is
 * not in "special forces". A phrase scores its own occurrences times its length, so a repeated phrase
 * beats the words it is made of, and twice that when the article's first words hold it (news names its
 * subject first). A name inside a longer name is one person or thing: the name that holds it most often
 * ranks where it would ("Britt McHenry" where "McHenry" would).
 */
function choosePhrases(repeated: Candidate[], headsFirst: boolean): string[] {
  const byKey = new Map(repeated.map((c) => [c.key, c]));
  const claimed = new Map<string, number>();
  const holder = new Map<string, Candidate>();
  for (const phrase of repeated) {
    for (const inner of phrase.inner) {
      claimed.set(inner, Math.max(claimed.get(inner) ?? 0, phrase.count));
      const held = holder.get(inner);
      if (phrase.isName && (!held || phrase.count > held.count)) holder.set(inner, phrase);
    }
  }
  const own = (c: Candidate) =>
    c.words * Math.max(0, c.count - (claimed.get(c.key) ?? 0)) * (c.firstSeen < LEDE_WORDS ? 2 : 1);
  for (const candidate of repeated) candidate.score = own(candidate);
  for (const [inner, phrase] of holder) {
    const part = byKey.get(inner);
    if (part?.isName) phrase.score = Math.max(phrase.score, own(part));
  }
  const ranked = repeated
    .filter((c) => c.score > 0)
    .sort((a, b) => b.score - a.score || b.words - a.words || a.firstSeen - b.firstSeen);
  const chosen: Candidate[] = [];
  for (const candidate of ranked) {
    if (chosen.length >= MAX_KEY_PHRASES) break;
    if (!repeatsChosen(candidate, chosen, headsFirst)) chosen.push(candidate);
  }
  return chosen.map((c) => c.form);
}

/**
 * The candidate says again what a chosen phrase says: two names, one inside the other ("McHenry" in "Britt
 * McHenry"); a phrase and its head ("special forces" in "Russian special forces", "piste" in "piste
 * cyclable" where heads come first); two phrases sharing two
 * words ("Russian special forces", "special forces troops"); or a phrase and a word it starts with, unless
 * that word stands alone at least as often as inside the chosen phrases, and twice ("council", "council vote").
 */
function repeatsChosen(candidate: Candidate, chosen: Candidate[], headsFirst: boolean): boolean {
  let inside = 0;
  for (const other of chosen) {
    const [shorter, longer] = candidate.words <= other.words ? [candidate, other] : [other, candidate];
    const contained = shorter.key === longer.key || longer.inner.includes(shorter.key);
    // A name heads no phrase of common words: "France insoumise" and "Covid long" are not kinds of France
    // or Covid, so such a pair is weighed by how often the name stands alone (below).
    const isHead =
      !shorter.isName &&
      !longer.isName &&
      (headsFirst ? longer.key.startsWith(`${shorter.key} `) : longer.key.endsWith(` ${shorter.key}`));
    if (contained && ((shorter.isName && longer.isName) || isHead)) return true;
    if (!contained && sharedWords(candidate, other) >= 2) return true;
    if (!contained) continue;
    if (shorter === candidate) inside += longer.count;
    else if (rarelyAlone(shorter.count, longer.count)) return true;
  }
  return inside > 0 && rarelyAlone(candidate.count, inside);
}

/** A phrase seen `count` times, `inside` of them within longer phrases, is mostly part of them. */
const rarelyAlone = (count: number, inside: number) => count - inside < Math.max(MIN_OCCURRENCES, inside);

const sharedWords = (a: Candidate, b: Candidate) =>
  new Set(a.parts.filter((part) => part !== INNER_FUNCTION_WORD && b.parts.includes(part))).size;

/** The keys of the shorter phrases inside a phrase: "special forces" holds "special" and "forces". */
function innerKeys(parts: string[]): string[] {
  const keys: string[] = [];
  for (let length = 1; length < parts.length; length++)
    for (let from = 0; from + length <= parts.length; from++)
      keys.push(parts.slice(from, from + length).join(' '));
  return keys;
}

/** The phrases of a text in order: which phrase (`ids`), where it starts and how many words it has. */
interface PhraseOccurrences {
  ids: number[];
  starts: number[];
  lengths: number[];
}

/**
 * Every phrase of one to three words in the text: starting at a word that opens a phrase, ending at a
 * content word, "of" allowed inside; single words need three letters. A phrase is identified by a number
 * written in the digits of its words' keys (distinct phrases, distinct numbers; exact, as an analysed text
 * has far fewer than 2^17 distinct words), so counting them builds no string: the key is spelled out only
 * for the phrases that repeat. A phrase holding a word whose key occurs once cannot repeat, so it is not
 * listed: that is most phrases, and each listed one costs a count.
 */
function listPhrases(tokens: Word[]): PhraseOccurrences {
  let base = 1;
  for (const token of tokens) base = Math.max(base, token.keyId + 2);
  const keyCounts = new Uint32Array(base);
  for (const token of tokens) keyCounts[token.keyId] = (keyCounts[token.keyId] ?? 0) + 1;
  const phrases: PhraseOccurrences = { ids: [], starts: [], lengths: [] };
  for (let from = 0; from < tokens.length; from++) {
    if (!tokens[from]?.opens) continue;
    let id = 0;
    for (let words = 1; words <= MAX_PHRASE_WORDS; words++) {
      const last = tokens[from + words - 1];
      if (!last || (words > 1 && !last.joined)) break;
      if (words > 1 && !last.content && last.lower !== INNER_FUNCTION_WORD) break;
      // Every longer phrase from here holds this word too.
      if ((keyCounts[last.keyId] ?? 0) < MIN_OCCURRENCES) break;
      id = id * base + last.keyId + 1;
      if (last.content && (words > 1 || (last.lower.length >= 3 && !CALENDAR_WORDS.has(last.lower)))) {
        phrases.ids.push(id);
        phrases.starts.push(from);
        phrases.lengths.push(words);
      }
    }
  }
  return phrases;
}

/** A capital, then none: "Special", not "NASA" or "McHenry". */
const CAPITAL_THEN_NO_CAPITAL = /^\p{Lu}\P{Lu}*$/u;

function readWords(text: string, alsoSkip: ReadonlySet<string>): Word[] {
  const tokens = tokenize(text);
  // Each distinct key (a stem, or a name's root) is numbered once: the per-word bookkeeping below, and the
  // phrase numbers, are then array look-ups.
  const keyIds = new Map<string, number>();
  const idOf = (key: string) => {
    let id = keyIds.get(key);
    if (id === undefined) keyIds.set(key, (id = keyIds.size));
    return id;
  };
  // First the stems and their numbers; a name's root replaces them below. Each distinct written word is
  // lowercased, stemmed and judged once: most words of an article recur.
  const spellings = new Map<string, Spelling>();
  for (const token of tokens) {
    let spelling = spellings.get(token.text);
    if (spelling === undefined) {
      const lower = token.text.toLowerCase();
      const key = stem(lower);
      spelling = { lower, key, keyId: idOf(key), functionWord: isFunctionWord(lower, alsoSkip) };
      spellings.set(token.text, spelling);
    }
    token.lower = spelling.lower;
    token.key = spelling.key;
    token.keyId = spelling.keyId;
    token.functionWord = spelling.functionWord;
  }
  // A name is a stem written with a capital more often than not where a capital means something (inside a sentence).
  const capitalBalance = new Array<number>(keyIds.size).fill(0);
  for (const token of tokens)
    if (!token.opensSentence)
      capitalBalance[token.keyId] =
        (capitalBalance[token.keyId] as number) + (opensUppercase(token.text) ? 1 : -1);
  const roots = new Array<string | undefined>(keyIds.size);
  for (const token of tokens) {
    const stemId = token.keyId;
    const isName = (capitalBalance[stemId] as number) > 0;
    const functionWord = token.functionWord;
    const content = !functionWord && hasLetter(token.text);
    // "I" is the one function word always written with a capital.
    const opensName = isName && !token.opensSentence && !/^i\b/.test(token.lower);
    token.lowered = token.opensSentence && !isName && CAPITAL_THEN_NO_CAPITAL.test(token.text);
    if (isName) {
      token.key = roots[stemId] ??= nameRoot(token.key);
      token.keyId = idOf(token.key);
    }
    token.content = content;
    token.opens = content || (functionWord && opensName);
  }
  return tokens;
}

/** What a word's spelling decides, worked out once per distinct spelling of the text. */
interface Spelling {
  lower: string;
  key: string;
  keyId: number;
  functionWord: boolean;
}

/** Contractions are function words too: "we're", "it's", "don't". */
const isFunctionWord = (lower: string, alsoSkip: ReadonlySet<string>) =>
  STOPWORDS.has(lower) ||
  alsoSkip.has(lower) ||
  (/['’]/.test(lower) && (STOPWORDS.has(lower.split(/['’]/)[0] ?? '') || /n['’]t$/.test(lower)));

const sameNeighbour = (seen: string | null | undefined, neighbour: string) =>
  seen === undefined || seen === neighbour ? neighbour : null;

/** The form the article uses most, first seen on a tie. */
function mostWrittenForm(forms: Map<string, number>): string {
  let best = '';
  let bestCount = 0;
  for (const [form, count] of forms) {
    if (count > bestCount) {
      best = form;
      bestCount = count;
    }
  }
  return best;
}

/** Every word capitalized, "of" aside: "Bank of England", "NASA". */
const isNameForm = (form: string) =>
  form.split(' ').every((word) => word === INNER_FUNCTION_WORD || opensUppercase(word));

/** A sentence-initial capital is lowered, so "Special forces" shows as written inside a sentence. */
const displayForm = (span: string, first: Word) =>
  first.lowered ? span.charAt(0).toLowerCase() + span.slice(1) : span;

/**
 * Country and adjective ("Russia", "Russian", "Russians"; "China", "Chinese"; "Britain", "British") share a
 * root: demonym endings are cut while at least four letters remain. Only names are cut this way, so
 * "police" and "policy" stay apart.
 */
const NAME_ENDINGS = ['land', 'ian', 'ese', 'ish', 'ain', 'an', 'es', 'ia', 'n', 'i', 'a', 'e', 'y'];
const MIN_ROOT = 4;
/** Adjectives no ending rule reaches from their country's name. */
const IRREGULAR_ADJECTIVES = new Map(
  Object.entries({
    irish: 'ireland',
    french: 'france',
    spanish: 'spain',
    dutch: 'netherlands',
    welsh: 'wales',
    greek: 'greece',
    swiss: 'switzerland',
    danish: 'denmark',
    swedish: 'sweden',
    finnish: 'finland',
    polish: 'poland',
    turkish: 'turkey',
    thai: 'thailand',
    english: 'england',
  }),
);

/** `word` is a Porter stem, so an irregular adjective maps to its country's stem. */
function nameRoot(word: string): string {
  const country = IRREGULAR_ADJECTIVES.get(word);
  let root = country === undefined ? word : stem(country);
  for (let cut = true; cut;) {
    cut = false;
    for (const ending of NAME_ENDINGS) {
      if (root.endsWith(ending) && root.length - ending.length >= MIN_ROOT) {
        // A doubled consonant before the ending is one: "Scottish", "Scotland".
        root = root.slice(0, -ending.length).replace(/([^aeiou])\1$/, '$1');
        cut = true;
        break;
      }
    }
  }
  return root;
}

/**
 * Whether the gap `text[from, to)` between two words ends a sentence: a newline, or an end mark followed
 * only by closing quotes or brackets, spaces and opening ones. Read backwards from the next word, once: as
 * a regular expression anchored at the end, a gap of one mark and thousands of quotes took quadratic time.
 * Indexes into the text rather than a slice of the gap: this runs for every word not joined by one space.
 */
function endsSentence(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 0x0a) return true;
  let i = to - 1;
  while (i >= from && OPENING.has(text.charAt(i))) i--;
  while (i >= from && /\s/u.test(text.charAt(i))) i--;
  while (i >= from && CLOSING.has(text.charAt(i))) i--;
  return i >= from && END_MARKS.has(text.charAt(i));
}
const END_MARKS = new Set('.!?:;');
const CLOSING = new Set('"\'”’)]');
const OPENING = new Set('"“‘([');

const WORD = /[\p{L}\p{N}]+(?:[-'’][\p{L}\p{N}]+)*/gu;

/**
 * The words of the text with where they stand. `match` gives the words without the object `matchAll` builds
 * for each (index, input, groups: most of the time reading them took); each is found again with `indexOf`
 * from the end of the one before, which finds the match itself, as no letter or digit stands between two
 * matches (every letter or digit starts one).
 */
function tokenize(text: string): Word[] {
  const tokens: Word[] = [];
  let previousEnd = -1;
  let searchFrom = 0;
  for (const word of text.match(WORD) ?? []) {
    const start = text.indexOf(word, searchFrom);
    searchFrom = start + word.length;
    const written = withoutPossessive(word);
    // A possessive ends the phrase: "Russia's special forces" is not one.
    const joined = previousEnd >= 0 && isSingleSpace(text, previousEnd, start);
    tokens.push({
      text: written,
      start,
      end: start + written.length,
      opensSentence: previousEnd < 0 || (!joined && endsSentence(text, previousEnd, start)),
      joined,
      // Worked out by readWords, once every word is known.
      lower: '',
      key: '',
      keyId: 0,
      functionWord: false,
      content: false,
      opens: false,
      lowered: false,
    });
    previousEnd = start + written.length;
  }
  return tokens;
}

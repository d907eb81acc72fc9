/**
 * People, organizations and places, read from capitalization and the frames news copy names them in,
 * without a tagger: one pass cuts the text into runs of capitalized words, each run collects evidence for a
 * type (a title or first name before it, "said" after it, an organisation word at its end, "in"/"from"
 * before it, a gazetteer entry, a dateline, a sports fixture), the evidence of all mentions of a name is
 * summed, and short forms ("Tsarnaev") join the full name ("Tamerlan Tsarnaev"). The work is one regular
 * expression over the text plus map look-ups per word, so it is linear in the text.
 *
 * The rules are English. Other languages get only what their script and capitalization show reliably
 * (`entities-foreign.ts`): names led by a known first name, gazetteer places, acronyms, organisation words.
 */
import {
  acronymType,
  CITING_VERBS_BEFORE_THE,
  COMMON_CAPITALIZED,
  COORDINATORS,
  FUNCTION_WORDS,
  isOrganizationHead,
  isOrganizationWord,
  isPersonTitle,
  isPlaceWord,
  NEWS_AGENCIES,
  ORGANIZATION_NOUNS_BEFORE,
  PERSON_NOUNS_BEFORE,
  PLACE_NOUNS_AFTER,
  PLACE_NOUNS_BEFORE_OF,
  PLACE_PREPOSITIONS,
  SPORTS_VERBS_AFTER,
  SPORTS_WORDS_BEFORE,
  TEAM_NOUNS_AFTER,
  TIME_WORDS,
  gazetteerType,
  isDemonym,
  isFirstName,
  isEventWord,
  NOT_ENTITY_ACRONYMS,
  SPEECH_VERBS,
  isStateAbbreviation,
} from './entities-lexicon.js';
import { foreignEntityRuns } from './entities-foreign.js';
import type { Candidate, EntityType, Token } from './entities-types.js';
import type { Sentence } from './sentences.js';
import {
  isAllCapitals,
  isSingleCapital,
  isSingleSpace,
  isWordCharacter,
  opensLowercase,
  opensUppercase,
  withoutPossessive,
} from './tokens.js';

export interface MentionedName {
  name: string;
  mentions: number;
}

export interface Entities {
  people: MentionedName[];
  organizations: MentionedName[];
  places: MentionedName[];
}

/**
 * A results report or a match report names a whole cast; the stored summary keeps them (the digest shows
 * the first few), so the cap only bounds generated lists.
 */
const MAX_PER_KIND = 30;
const ENGLISH_OR_UNKNOWN = new Set(['en', 'und']);

/** A word of the text: letters and digits joined by inner apostrophes, hyphens or "&", or a dotted acronym. */
const TOKEN = /(?:\p{Lu}\.){2,8}|[\p{L}\p{N}]{1,40}(?:['’&-][\p{L}\p{N}]{1,40}){0,4}/gu;

/** People, organizations and places of `text`, by the rules for its `language` (ISO 639-1 or "und"). */
export function extractEntities(text: string, sentences: readonly Sentence[], language: string): Entities {
  const tokens = tokenize(text, sentences);
  const candidates = ENGLISH_OR_UNKNOWN.has(language)
    ? englishCandidates(text, tokens)
    : foreignEntityRuns(tokens, text, language);
  return resolve(candidates.filter(isNameSized), text);
}

/**
 * Names run to a few words ("Federal Reserve Bank of New York" is seven); a longer capitalised run is a
 * headline, a list or generated text, not one name.
 */
const MAX_NAME_WORDS = 8;
const MAX_NAME_CHARS = 100;
const isNameSized = ({ name }: Candidate) =>
  name.length <= MAX_NAME_CHARS && name.split(' ').length <= MAX_NAME_WORDS;

/**
 * Every word with where it stands, in a single pass of one regular expression: `match`, and `indexOf` from the
 * previous word's end for where each stands (as in keywords.ts, without an object built for every word).
 */
function tokenize(text: string, sentences: readonly Sentence[]): Token[] {
  const tokens: Token[] = [];
  const starts = sentences.map((s) => s.start);
  let nextStart = 0;
  let lineShouted = false;
  let lineEnd = -1;
  let previousEnd = 0;
  for (const word of text.match(TOKEN) ?? []) {
    const start = text.indexOf(word, previousEnd);
    const end = start + word.length;
    let sentenceStart =
      tokens.length === 0 ||
      (!isSingleSpace(text, previousEnd, start) && opensAfter(text.slice(previousEnd, start)));
    while (nextStart < starts.length && (starts[nextStart] ?? 0) <= start) {
      sentenceStart = true;
      nextStart++;
    }
    if (start > lineEnd) {
      lineEnd = text.indexOf('\n', start);
      if (lineEnd < 0) lineEnd = text.length;
      lineShouted = isShouted(text, start, lineEnd);
    }
    tokens.push({ text: word, start, end, sentenceStart, shouted: lineShouted });
    previousEnd = end;
  }
  return tokens;
}

/**
 * A headline: among the first 200 characters of the line, three or more words in capitals and no
 * lowercase letter, or three or more words of four letters or more, every one capitalized, and no digit
 * (a line of results, "Ann Lee (Peru) 6-3 6-4", is no headline).
 */
function isShouted(text: string, start: number, end: number): boolean {
  const line = text.slice(start, Math.min(end, start + 200));
  if (!LOWERCASE_LETTER.test(line)) return (line.match(CAPITALS_RUN)?.length ?? 0) >= 3;
  // Prose fails at its first lowercase word, before the words are collected.
  if (LONG_LOWERCASE_WORD.test(line)) return false;
  return (line.match(LONG_WORD)?.length ?? 0) >= 3 && !DIGIT.test(line);
}

const LOWERCASE_LETTER = /\p{Ll}/u;
const CAPITALS_RUN = /\p{Lu}{2,}/gu;
/** A word of four letters or more, whole (no letter before it), that does not open with a capital. */
const LONG_LOWERCASE_WORD = /(?<!\p{L})(?!\p{Lu})\p{L}{4}/u;
const LONG_WORD = /\p{L}{4,}/gu;
const DIGIT = /\p{N}/u;

/** A gap that opens a sentence: a line break, or an opening quotation mark or bracket right before the word. */
const opensAfter = (gap: string) => gap.includes('\n') || /["“‘(]$/u.test(gap);

const capitalize = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
const ACRONYM = /^(?:\p{Lu}\.){2,}$|^\p{Lu}[\p{Lu}\p{N}&]{1,5}$/u;
const isAcronym = (word: string) => ACRONYM.test(word);
const NAME_CONNECTORS = new Set('of de du des da van von der den la le del di bin al &'.split(' '));
/** "Vienna-based", "Ontario-listed": the name, then how the thing relates to it. */
const RELATION_SUFFIX = /-(based|born|listed|controlled|led|sponsored|owned|run|backed|bound)$/u;

/**
 * English runs: capitalized words next to each other (connected by "of", "de", "van", ...), the
 * sentence-initial function word, titles and nationalities before the name peeled off, then typed.
 */
function englishCandidates(text: string, tokens: readonly Token[]): Candidate[] {
  const lowercase = new Set<string>();
  for (const token of tokens) if (opensLowercase(token.text)) lowercase.add(token.text);
  const candidates: Candidate[] = [];
  // The index of the token after the last name typed as a place after a preposition ("at Ardley"), for the
  // name coordinated with it.
  let placeEnd = -1;
  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i] as Token;
    // Only a word opening a sentence can open a dateline.
    const dateline = token.sentenceStart ? datelinePlace(tokens, i, text) : undefined;
    if (dateline) {
      candidates.push({ name: dateline.name, votes: { places: 3 } });
      i = dateline.end;
      continue;
    }
    if (token.shouted) {
      while (i < tokens.length && tokens[i]?.shouted) i++;
      continue;
    }
    if (!opensUppercase(token.text)) {
      i++;
      continue;
    }
    let end = i + 1;
    while (end < tokens.length) {
      const next = tokens[end] as Token;
      const previous = tokens[end - 1]?.text ?? '';
      const gap = text.slice(tokens[end - 1]?.end ?? 0, next.start);
      // "Edward D. Jones"; "Rail Users' Association".
      const initial = gap === '. ' && isSingleCapital(previous);
      const pluralPossessive = gap === "' " && previous.endsWith('s');
      if (
        (gap !== ' ' && !initial && !pluralPossessive) ||
        (next.sentenceStart && !initial) ||
        withoutPossessive(previous) !== previous
      )
        break;
      if (opensUppercase(next.text) && !TIME_WORDS.has(next.text)) end++;
      else if (
        joinsNames(next.text, previous) &&
        opensUppercase(tokens[end + 1]?.text ?? '') &&
        text.slice(next.end, tokens[end + 1]?.start).length === 1
      )
        end += 2;
      else break;
    }
    for (const [from, to] of splitRun(tokens, i, end)) {
      const candidate = typedRun(tokens, from, to, text, lowercase);
      if (!candidate) continue;
      // "at Ardley and Felsham Moor": a name joined by "and" or "or" to a place that "at", "in", "from"...
      // introduced is a place too ("Syria and Arabs", "Essex and Kent" open sentences: no preposition).
      if (placeEnd === from - 1 && COORDINATORS.has(wordBefore(tokens, from, text)))
        addVote(candidate.votes, 'places', 1.5);
      const introduced = PLACE_PREPOSITIONS.has(wordBefore(tokens, from, text));
      placeEnd = introduced && heaviest(candidate.votes) === 'places' ? to : -1;
      candidates.push(candidate);
    }
    i = end;
  }
  return candidates;
}

/**
 * "of" joins the words of one name after an organisation, place or title word ("Bank of England",
 * "Duke of Norfolk"), not a person and the firm after them ("John Smith of Acme").
 */
function joinsNames(connector: string, previous: string): boolean {
  if (connector !== 'of') return NAME_CONNECTORS.has(connector);
  return (
    isOrganizationWord(previous) ||
    isOrganizationHead(previous) ||
    isPlaceWord(previous) ||
    isPersonTitle(previous)
  );
}

/**
 * A run holds two names where a title starts the second ("U.S. President Bill Clinton") or a relation
 * ends the first ("Ontario-based Magna"); a run ending in an organisation word is one name ("Foreign Ministry").
 */
function splitRun(tokens: readonly Token[], from: number, to: number): Array<[number, number]> {
  const organization = isOrganizationWord(withoutPossessive(tokens[to - 1]?.text ?? ''));
  const parts: Array<[number, number]> = [];
  let start = from;
  // "U.S. Treasuries": the country, then what it qualifies.
  if (
    !organization &&
    to - from > 1 &&
    acronymType(tokens[from]?.text ?? '') === 'places' &&
    isAcronym(tokens[from]?.text ?? '')
  ) {
    parts.push([from, from + 1]);
    start = from + 1;
  }
  for (let k = start; k < to; k++) {
    const word = tokens[k]?.text ?? '';
    if (!organization && k > start && isPersonTitle(word) && !isPersonTitle(tokens[k - 1]?.text ?? '')) {
      parts.push([start, k]);
      start = k;
    }
    if (RELATION_SUFFIX.test(word) && k + 1 < to) {
      parts.push([start, k + 1]);
      start = k + 1;
    }
  }
  parts.push([start, to]);
  return parts;
}

/** "LONDON 1996-08-30", "PARIS, Nov 3": capitals at the start of a line, then a date. */
function datelinePlace(
  tokens: readonly Token[],
  i: number,
  text: string,
): { name: string; end: number } | undefined {
  const first = tokens[i] as Token;
  if (!first.sentenceStart || (first.start > 0 && text[first.start - 1] !== '\n')) return undefined;
  let end = i;
  while (end < i + 4 && end < tokens.length && isAllCapitals(tokens[end]?.text ?? '')) end++;
  const after = tokens[end];
  if (end === i || !after) return undefined;
  const between = text.slice(tokens[end - 1]?.end ?? 0, after.start);
  if (
    !/^[ ,]*$/.test(between) ||
    !/^\d{4}-\d\d-\d\d$|^\d{1,2}$|^(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)/u.test(after.text)
  )
    return undefined;
  const name = text.slice(first.start, tokens[end - 1]?.end);
  return { name: name.toLowerCase().replace(WORD_INITIAL, (c) => c.toUpperCase()), end };
}

const WORD_INITIAL = /(^|[\s-])\p{Ll}/gu;
/** "Lockerbie, Scotland", "Irvine, Calif.": the region after a place's name. */
const REGION_AFTER = /^, (\p{Lu}[\p{L}.]*(?: \p{Lu}[\p{L}.]*)?)/u;
/** "Kessel Vanguard, a militant separatist group": the description after the name says it is a body. */
const DESCRIBED_AS_BODY =
  /^, (?:a|an) (?:[\p{L}'’-]+ ){0,3}(?:group|company|firm|party|organi[sz]ation|charity|network|movement|militia|agency|band|bank|airline|coalition|alliance|faction)\b/u;
const PLAIN_NAME_WORD = /^\p{Lu}[\p{Ll}'’-]+$/u;

/**
 * The run tokens[from, to) as a name with its evidence, or undefined when it names nothing: peel a
 * sentence-initial common word, "The", titles and nationalities off the front, then weigh its inside
 * (organisation words, first names, gazetteers, acronyms) and the words around it.
 */
function typedRun(
  tokens: readonly Token[],
  from: number,
  to: number,
  text: string,
  lowercase: ReadonlySet<string>,
): Candidate | undefined {
  const votes: Partial<Record<EntityType, number>> = {};
  let start = from;
  let titled = false;
  let domain = false;
  const endsAsOrganization = isOrganizationWord(withoutPossessive(tokens[to - 1]?.text ?? ''));
  for (; start < to; start++) {
    const word = (tokens[start] as Token).text;
    const lower = word.toLowerCase();
    if (isPersonTitle(word) && !endsAsOrganization) titled = true;
    else if (titled && word === 'of') {
      // "Lord Mayor of Northbrook": the title's domain, not the person.
      titled = false;
      domain = true;
    } else if (
      FUNCTION_WORDS.has(lower) ||
      TIME_WORDS.has(withoutPossessive(word)) ||
      COMMON_CAPITALIZED.has(word)
    )
      continue;
    else if (start === from && tokens[start]?.sentenceStart && lowercase.has(lower)) continue;
    else if (isDemonym(lower) && !isPlaceWord(word) && start < to - 1 && !endsAsOrganization) continue;
    else break;
  }
  if (titled && start === to) return undefined;
  while (
    to > start + 1 &&
    (NAME_CONNECTORS.has(tokens[to - 1]?.text ?? '') || isPersonTitle(tokens[to - 1]?.text ?? ''))
  )
    to--;
  if (start >= to) return undefined;
  const words = tokens.slice(start, to).map((t) => t.text);
  const lastWritten = withoutPossessive(words[words.length - 1] ?? '');
  const relation = RELATION_SUFFIX.exec(lastWritten)?.[1];
  // The name ends with its last word, so only a last word with a relation has one to cut.
  const last = relation ? lastWritten.replace(RELATION_SUFFIX, '') : lastWritten;
  words[words.length - 1] = last;
  const written = withoutPossessive(text.slice(tokens[start]?.start, tokens[to - 1]?.end));
  const name = relation ? written.replace(RELATION_SUFFIX, '') : written;
  // A name opening with a capital opens with no digit.
  if (name.length < 2 || !opensUppercase(name)) return undefined;
  // "West Indian", "World Cup", "GDP": nationalities, events and units are not people, places or bodies.
  if (isDemonym(last.toLowerCase()) && !isOrganizationWord(last)) return undefined;
  if (words.length > 1 && isEventWord(last)) return undefined;
  if (NOT_ENTITY_ACRONYMS.has(name) || /^[IVXLC]+$/u.test(name)) return undefined;
  // "the City", "the Park": a place word alone names no particular place.
  if (words.length === 1 && isPlaceWord(name) && !gazetteerType(name.toLowerCase())) return undefined;
  const nameStart = tokens[start]?.start ?? 0;
  const nameEnd = tokens[to - 1]?.end ?? 0;
  // A whole quotation of capitalized words is the title of a work: "Sleeping Under Glass". Bounds are
  // checked first: reading past either end of the text deoptimizes this function (see tokens.ts).
  const quoted =
    nameStart > 0 &&
    nameEnd < text.length &&
    /["“]/u.test(text.charAt(nameStart - 1)) &&
    /["”]/u.test(text.charAt(nameEnd));
  if (quoted && words.length > 1) return undefined;
  const lowerName = name.toLowerCase();
  const first = words[0] ?? '';
  // The words either side count only within the clause: "said X", "X beat", not across a full stop.
  const previous = tokens[from - 1];
  const next = tokens[to];
  const before = wordBefore(tokens, from, text);
  const after = next && !next.sentenceStart && /^,? $/.test(text.slice(nameEnd, next.start)) ? next.text : '';
  const following = text.slice(nameEnd, nameEnd + 40);
  // "the quarry's owner, Ardley Aggregates,": the noun the name is in apposition to.
  const appositive =
    previous && !tokens[from]?.sentenceStart && text.slice(previous.end, nameStart) === ', '
      ? previous.text
      : '';
  // A lone word opening a sentence ("Eyewitnesses said") is no person for its frame alone.
  const framedAsPerson = words.length > 1 || !tokens[start]?.sentenceStart;

  if (titled) addVote(votes, 'people', 4);
  if (domain || (before === 'of' && isPersonTitle(capitalize(tokens[from - 2]?.text ?? ''))))
    addVote(votes, 'places', 2);
  if (NEWS_AGENCIES.has(name)) addVote(votes, 'organizations', 6);
  const listed = gazetteerType(lowerName);
  if (listed) addVote(votes, listed, listed === 'places' ? 3 : 4);
  if (words.length === 1 && isAcronym(first)) addVote(votes, acronymType(first), 3);
  // "West Bank", "Soviet Union": a listed place keeps its type whatever its last word.
  if (listed !== 'places' && (isOrganizationWord(last) || (words.length > 1 && isOrganizationHead(first))))
    addVote(votes, 'organizations', 4);
  else if (words.length > 1 && (isPlaceWord(last) || isPlaceWord(first))) addVote(votes, 'places', 3);
  const opensWithFirstName = words.length > 1 && isFirstName(first);
  if (opensWithFirstName && words.length <= 4) addVote(votes, 'people', 3);
  if (relation === 'based' || relation === 'born') addVote(votes, 'places', 3);
  // "Lockerbie, Scotland", "Irvine, Calif.": a place, then the country or region it is in.
  const region = REGION_AFTER.exec(following)?.[1];
  if (region && (gazetteerType(region.toLowerCase()) === 'places' || isStateAbbreviation(region)))
    addVote(votes, 'places', 2);
  if (framedAsPerson) {
    if (PERSON_NOUNS_BEFORE.has(before) || /^, \d{1,3},/.test(following)) addVote(votes, 'people', 3);
    if (SPEECH_VERBS.has(after) && following.startsWith(' ')) addVote(votes, 'people', 2);
    if (before === 'said') addVote(votes, 'people', 2);
  }
  if (PLACE_PREPOSITIONS.has(before)) addVote(votes, 'places', 1.5);
  // "the Kariba dam", "the Severn bridge": a name before a facility or landform is its site.
  if (PLACE_NOUNS_AFTER.has(after) && following.startsWith(' ')) addVote(votes, 'places', 3);
  // "told the X", "according to the X": a body is told or cited with an article, a person without one.
  if (before === 'the') {
    const second = wordBefore(tokens, from - 1, text);
    const cited =
      CITING_VERBS_BEFORE_THE.has(second) ||
      (second === 'to' && wordBefore(tokens, from - 2, text).toLowerCase() === 'according');
    if (cited) addVote(votes, 'organizations', 2);
  }
  if (before === 'of' && PLACE_NOUNS_BEFORE_OF.has(tokens[from - 2]?.text ?? '')) addVote(votes, 'places', 3);
  if (ORGANIZATION_NOUNS_BEFORE.has(before || appositive)) addVote(votes, 'organizations', 2);
  if (framedAsPerson && DESCRIBED_AS_BODY.test(following)) addVote(votes, 'organizations', 3);
  // A club plays: "X beat Y", "against Y", "X captain". A country in a fixture is its team, a place.
  const personLike = titled || opensWithFirstName;
  const plays =
    SPORTS_VERBS_AFTER.has(after) || SPORTS_WORDS_BEFORE.has(before) || TEAM_NOUNS_AFTER.has(after);
  if (plays && !personLike && gazetteerType(lowerName, true) !== 'places') addVote(votes, 'organizations', 6);
  // Two or three capitalized words that are no common words, places or known bodies, with no other
  // evidence: a person's name ("Tamerlan Tsarnaev"). Not after "the": "the Corran Pavilion" is a thing.
  if (
    words.length >= 2 &&
    words.length <= 3 &&
    before !== 'the' &&
    Object.keys(votes).length === 0 &&
    words.every(
      (w) => PLAIN_NAME_WORD.test(w) && !lowercase.has(w.toLowerCase()) && !gazetteerType(w.toLowerCase()),
    ) &&
    !isPlaceWord(first)
  )
    addVote(votes, 'people', 1);
  return { name, votes };
}

/** The word right before tokens[k] in its clause (one space between them), or "". */
function wordBefore(tokens: readonly Token[], k: number, text: string): string {
  const token = tokens[k];
  const previous = tokens[k - 1];
  if (!token || !previous || token.sentenceStart || !isSingleSpace(text, previous.end, token.start))
    return '';
  return previous.text;
}

function addVote(votes: Partial<Record<EntityType, number>>, type: EntityType, weight: number): void {
  votes[type] = (votes[type] ?? 0) + weight;
}

/**
 * Sums the evidence of every mention of a name, makes a surname the person named in full ("Clinton" of
 * "Bill Clinton"), merges short forms into the fullest name and counts mentions in the text.
 */
function resolve(candidates: readonly Candidate[], text: string): Entities {
  const totals = new Map<string, Partial<Record<EntityType, number>>>();
  const seen: string[] = [];
  // "JAPAN" in a headline is the "Japan" of the story: one name, written as the story writes it.
  const spelling = new Map<string, string>();
  for (const { name } of candidates) {
    const key = name.toLowerCase();
    const known = spelling.get(key);
    if (!known || (known === known.toUpperCase() && name !== name.toUpperCase())) spelling.set(key, name);
  }
  for (const candidate of candidates) {
    const votes = candidate.votes;
    const name = spelling.get(candidate.name.toLowerCase()) ?? candidate.name;
    const total = totals.get(name) ?? {};
    for (const [type, weight] of Object.entries(votes) as Array<[EntityType, number]>)
      total[type] = (total[type] ?? 0) + weight;
    totals.set(name, total);
    seen.push(name);
  }
  const typeOf = new Map<string, EntityType>();
  for (const [name, votes] of totals) {
    const best = heaviest(votes);
    if (best) typeOf.set(name, best);
  }
  // The surname of a person named in full is that person, whatever its own evidence ("Clinton said").
  const surnames = new Set<string>();
  for (const [name, type] of typeOf) {
    if (type === 'people' && name.includes(' ')) surnames.add(name.slice(name.lastIndexOf(' ') + 1));
  }
  const byType: Record<EntityType, string[]> = { people: [], organizations: [], places: [] };
  for (const name of seen) {
    const type = surnames.has(name) ? 'people' : typeOf.get(name);
    if (type) byType[type].push(name);
  }
  return countMentions(
    {
      people: mergeVariants(byType.people),
      organizations: mergeVariants(byType.organizations),
      places: mergeVariants(byType.places),
    },
    text,
  );
}

/** The type with the most votes, the first listed on a tie. */
function heaviest(votes: Partial<Record<EntityType, number>>): EntityType | undefined {
  let best: EntityType | undefined;
  let bestWeight = -Infinity;
  for (const [type, weight] of Object.entries(votes) as Array<[EntityType, number]>) {
    if (weight > bestWeight) {
      best = type;
      bestWeight = weight;
    }
  }
  return best;
}

/**
 * Mentions counted in the text itself, in one pass over the names of every kind, longest name first at
 * each position, so "Tsarnaev" inside "Tamerlan Tsarnaev" is not counted twice, nor the place "Tarne"
 * inside the newspaper "Tarne Herald". People are named in full once, then by surname ("Zankishiev was
 * killed"); a surname two people share is ambiguous.
 */
function countMentions(byType: Record<EntityType, MentionedName[]>, text: string): Entities {
  // Each name is of one kind, so a name (or a person's surname) owns what it matches.
  const owner = new Map<string, string>();
  for (const names of Object.values(byType)) for (const { name } of names) owner.set(name, name);
  const lastWord = (name: string) => name.slice(name.lastIndexOf(' ') + 1);
  const bySurname = new Map<string, number>();
  for (const { name } of byType.people)
    bySurname.set(lastWord(name), (bySurname.get(lastWord(name)) ?? 0) + 1);
  for (const { name } of byType.people) {
    const surname = lastWord(name);
    const shared = (bySurname.get(surname) ?? 0) > 1;
    if (surname !== name && !shared && !owner.has(surname)) owner.set(surname, name);
  }
  const counted = new Map<string, number>();
  for (const written of wholeWordMatches(text, [...owner.keys()])) {
    const name = owner.get(written);
    if (name) counted.set(name, (counted.get(name) ?? 0) + 1);
  }
  const counts = (type: EntityType) =>
    byType[type]
      .map(({ name, mentions }) => ({ name, mentions: Math.max(mentions, counted.get(name) ?? 0) }))
      .sort((a, b) => b.mentions - a.mentions || a.name.localeCompare(b.name));
  return { people: counts('people'), organizations: counts('organizations'), places: counts('places') };
}

/**
 * The occurrences of `phrases` in `text` that no letter or digit touches on either side, left to right,
 * not overlapping, the longest phrase first at each position: what one regular expression of all the
 * phrases matches, without compiling one per call (that compilation was a quarter of the summarizer's
 * time). Only the places where a phrase stands, found with indexOf, are looked at: far fewer than the
 * places of the phrases' first characters, which were all read before.
 */
export function wholeWordMatches(text: string, phrases: readonly string[]): string[] {
  // Longest first: of the phrases standing at one position, the first found is the longest.
  const byLength = phrases.filter((phrase) => phrase.length > 0).sort((a, b) => b.length - a.length);
  const hits: Array<{ at: number; rank: number }> = [];
  byLength.forEach((phrase, rank) => {
    for (let at = text.indexOf(phrase); at >= 0; at = text.indexOf(phrase, at + 1)) {
      if (isTrailSurrogateOfPair(text, at) || isWordCharBefore(text, at)) continue;
      if (!isWordCharAt(text, at + phrase.length)) hits.push({ at, rank });
    }
  });
  hits.sort((a, b) => a.at - b.at || a.rank - b.rank);
  const found: string[] = [];
  let searchFrom = 0;
  for (const { at, rank } of hits) {
    if (at < searchFrom) continue;
    const phrase = byLength[rank] as string;
    found.push(phrase);
    searchFrom = at + phrase.length;
  }
  return found;
}

/** Bounds checked first: reading past the end deoptimizes the caller (see tokens.ts). */
const isWordCharAt = (text: string, at: number) => at < text.length && isWordCharacter(text.codePointAt(at));

/** The code point that ends just before `at`, read as a whole when it is a surrogate pair. */
function isWordCharBefore(text: string, at: number): boolean {
  if (at === 0) return false;
  const start = at >= 2 && isTrailSurrogateOfPair(text, at - 1) ? at - 2 : at - 1;
  return isWordCharacter(text.codePointAt(start));
}

/** A search in whole code points never starts between the two halves of a surrogate pair. */
function isTrailSurrogateOfPair(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  if (code < 0xdc00 || code > 0xdfff || at === 0) return false;
  const previous = text.charCodeAt(at - 1);
  return previous >= 0xd800 && previous <= 0xdbff;
}

/**
 * Groups mentions of one name: a shorter mention whose words are the tail or head of a longer name
 * ("Tsarnaev", "Zankishiev", "Time Warner") joins the most mentioned longer name that contains it.
 */
export function mergeVariants(mentions: string[]): MentionedName[] {
  const counts = new Map<string, number>();
  for (const m of mentions) counts.set(m, (counts.get(m) ?? 0) + 1);
  // Merging compares every pair of names; an article names a few dozen, a list or a generated text may
  // name thousands, of which only the most mentioned can reach the result.
  const words = new Map(
    [...counts.keys()]
      .sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0))
      .slice(0, MAX_MERGED_NAMES)
      .map((name) => [name, wordsOf(name)]),
  );
  const names = [...words.keys()].sort(
    (a, b) =>
      (words.get(b)?.length ?? 0) - (words.get(a)?.length ?? 0) ||
      (counts.get(b) ?? 0) - (counts.get(a) ?? 0),
  );
  const canonical = new Map<string, string>();
  // The names that are their own root, longest first (as `names` is sorted): a name's host is the first
  // longer one that contains it.
  const roots: Array<{ name: string; parts: string[] }> = [];
  for (const name of names) {
    const parts = words.get(name) ?? [];
    let host: string | undefined;
    for (const root of roots) {
      if (root.parts.length <= parts.length) break;
      if (isContiguous(root.parts, parts)) {
        host = root.name;
        break;
      }
    }
    if (host === undefined) roots.push({ name, parts });
    canonical.set(name, host ?? name);
  }
  const merged = new Map<string, number>();
  for (const [name, count] of counts) {
    const root = canonical.get(name);
    if (root === undefined) continue;
    merged.set(root, (merged.get(root) ?? 0) + count);
  }
  return [...merged]
    .map(([name, mentions]) => ({ name, mentions }))
    .sort((a, b) => b.mentions - a.mentions || a.name.localeCompare(b.name))
    .slice(0, MAX_PER_KIND);
}

const MAX_MERGED_NAMES = 500;

function wordsOf(name: string): string[] {
  return name.toLowerCase().split(/\s+/);
}

function isContiguous(haystack: string[], needle: string[]): boolean {
  for (let i = 0; i + needle.length <= haystack.length; i++) {
    if (needle.every((w, j) => haystack[i + j] === w)) return true;
  }
  return false;
}

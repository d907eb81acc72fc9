/**
 * People, organizations and places, tagged by `compromise`, then cleaned and merged: "Tsarnaev" and
 * "Tamerlan Tsarnaev" are one person, counted once per mention. The merge rule is hand-written because
 * compromise tags mentions one by one and has no coreference.
 */
import nlp from 'compromise';
import type { Sentence } from './sentences.js';

export interface MentionedName {
  name: string;
  mentions: number;
}

export interface Entities {
  people: MentionedName[];
  organizations: MentionedName[];
  places: MentionedName[];
}

type View = ReturnType<typeof nlp>;
interface TaggedView {
  json(options: object): unknown;
}

const MAX_PER_KIND = 15;

/**
 * How much text one `nlp()` call tags. compromise's matching is superlinear in the length of what it
 * takes for one sentence, so it never sees more than this at once; chunks start at sentence starts and
 * sentences are at most MAX_SENTENCE_CHARS, so a normal article's sentences reach it whole. Per-call
 * overhead makes much smaller chunks slower on texts of many tiny lines.
 */
export const TAGGED_CHUNK_CHARS = 2_000;

/** People, organizations and places of `text`, tagged chunk by chunk along its `sentences`. */
export function extractEntities(text: string, sentences: readonly Sentence[]): Entities {
  const chunks = chunkText(text, sentences).map((chunk) => nlp(chunk));
  const known = chunks.flatMap((doc) => mentionsOf(doc.people(), 'strip', personalName));
  const personWords = new Set(known.flatMap((name) => name.split(' ')));
  // A word the tagger also saw as part of a personal name ("camp Pacquiao") is that person, not a place.
  const notPerson = (name: string) => !name.split(' ').every((word) => personWords.has(word));
  const organizations = chunks.flatMap((doc) => mentionsOf(doc.organizations(), 'reject')).filter(notPerson);
  const places = chunks.flatMap((doc) => mentionsOf(doc.places(), 'strip')).filter(notPerson);
  const taken = new Set([...organizations, ...places]);
  const people = [...known, ...unknownNames(chunks, text).filter((n) => !taken.has(n))];
  return {
    people: countMentions(mergeVariants(people), text, true),
    organizations: countMentions(mergeVariants(organizations), text),
    places: countMentions(mergeVariants(places), text),
  };
}

type Term = TaggedMatch['terms'][number];

/**
 * The text cut at sentence starts into spans of at most TAGGED_CHUNK_CHARS (or one sentence). Every
 * name kept starts with a capital or a digit (`cleanName`), so sentences without either are not tagged:
 * a lowercase transcript costs the tagger nothing.
 */
function chunkText(text: string, sentences: readonly Sentence[]): string[] {
  const chunks: string[] = [];
  let span: { start: number; end: number } | undefined;
  for (const sentence of sentences) {
    const end = sentence.start + sentence.text.length;
    if (span && (!NAME_START.test(sentence.text) || end - span.start > TAGGED_CHUNK_CHARS)) {
      chunks.push(text.slice(span.start, span.end));
      span = undefined;
    }
    if (NAME_START.test(sentence.text)) span = { start: span?.start ?? sentence.start, end };
  }
  if (span) chunks.push(text.slice(span.start, span.end));
  return chunks;
}

const NAME_START = /[\p{Lu}\p{N}]/u;

/**
 * The personal name inside a mention the tagger calls a person: from its first to its last first- or
 * last-name word, so titles and words glued on ("Pensioner Terry Cooper", "Although Amy", "Mr Cooper")
 * drop away and variants merge; a mention without such a word ("Lt Colonel") is no name.
 */
function personalName(terms: Term[]): Term[] {
  const isName = (t: Term) => t.tags.includes('FirstName') || t.tags.includes('LastName');
  const first = terms.findIndex(isName);
  const last = terms.findLastIndex(isName);
  return first < 0 ? [] : terms.slice(first, last + 1);
}

/** Tags that are compatible with a personal name; any other tag on a word means it is something else. */
const NAME_TAGS = new Set([
  'Noun',
  'Singular',
  'ProperNoun',
  'Person',
  'FirstName',
  'LastName',
  'MaleName',
  'FemaleName',
]);

interface TaggedMatch {
  text: string;
  terms: Array<{ text: string; post?: string; tags: string[] }>;
}

/**
 * compromise only knows common first names, so "Tamerlan Tsarnaev" stays an untagged proper noun.
 * Two or three capitalised words that carry no other tag, do not follow an article ("the Islamic
 * Emirate") and are not the head of an "X of Y" name are taken as a person.
 */
/** Lowercased, the word is an ordinary adjective, verb, adverb or function word to the tagger. */
function isCommonWord(word: string): boolean {
  return nlp(word.toLowerCase()).has(
    '(#Adjective|#Verb|#Adverb|#Preposition|#Determiner|#Conjunction|#Pronoun)',
  );
}

/** The words of a mention as written, with the punctuation between them ("Kabardino-Balkaria", "J. Brown"). */
function joinTerms(terms: Term[]): string {
  return terms.map((t, i) => `${t.text}${i < terms.length - 1 ? (t.post ?? ' ') : ''}`).join('');
}

function unknownNames(chunks: readonly View[], text: string): string[] {
  const names: string[] = [];
  // Verdicts on a word or a name hold for every mention, so each is reached once, whatever the repeats.
  const common = new Map<string, boolean>();
  const isCommon = (word: string) => common.get(word) ?? common.set(word, isCommonWord(word)).get(word);
  const framed = new Map<string, boolean>();
  for (const match of chunks.flatMap(
    (doc) =>
      doc
        .match('#ProperNoun+')
        .json({ terms: { tags: true, text: true, whitespace: true } }) as TaggedMatch[],
  )) {
    const terms = match.terms;
    if (terms.length < 2 || terms.length > 3 || terms.slice(0, -1).some((t) => t.post !== ' ')) continue;
    if (terms.some((t) => !/^\p{Lu}\p{Ll}+$/u.test(t.text) || t.tags.some((tag) => !NAME_TAGS.has(tag))))
      continue;
    if (terms.every((t) => t.tags.includes('Person'))) continue; // compromise found it already
    if (terms.some((t) => isCommon(t.text))) continue; // "Big Bear", "Wild Card"
    const name = joinTerms(terms);
    if (framed.get(name) ?? framed.set(name, isFramedAsThing(name, text)).get(name)) continue;
    names.push(name);
  }
  return names;
}

/**
 * At its first mention the name follows an article ("the Islamic Emirate") or heads an "X of Y" name. Read
 * from a few characters either side of that mention, so the cost does not grow with the text around it.
 */
function isFramedAsThing(name: string, text: string): boolean {
  const at = text.indexOf(name);
  if (at < 0) return true;
  const before = text.slice(Math.max(0, at - 40), at);
  const after = text.slice(at + name.length, at + name.length + 40);
  return /^\s+of\b/u.test(after) || /(?:^|\s)(?:the|a|an|The|A|An)\s+$/u.test(before);
}

/**
 * Mentions counted in the text itself (the tagger misses some repeats), in one pass of one pattern whose
 * alternatives run longest first, so "Tsarnaev" inside "Tamerlan Tsarnaev" is not counted twice. People
 * are named in full once, then by surname ("Zankishiev was killed"); a surname two people share is ambiguous.
 */
function countMentions(names: MentionedName[], text: string, surnames = false): MentionedName[] {
  if (names.length === 0) return names;
  const owner = new Map<string, string>(names.map(({ name }) => [name, name]));
  if (surnames) {
    const lastWord = (name: string) => name.split(' ').at(-1) ?? name;
    for (const { name } of names) {
      const surname = lastWord(name);
      const shared = names.filter((n) => lastWord(n.name) === surname).length > 1;
      if (surname !== name && !shared && !owner.has(surname)) owner.set(surname, name);
    }
  }
  const alternatives = [...owner.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
  const pattern = new RegExp(
    String.raw`(?<![\p{L}\p{N}])(?:${alternatives.join('|')})(?![\p{L}\p{N}])`,
    'gu',
  );
  const counted = new Map<string, number>();
  for (const match of text.matchAll(pattern)) {
    const name = owner.get(match[0]);
    if (name) counted.set(name, (counted.get(name) ?? 0) + 1);
  }
  return names
    .map(({ name, mentions }) => ({ name, mentions: Math.max(mentions, counted.get(name) ?? 0) }))
    .sort((a, b) => b.mentions - a.mentions || a.name.localeCompare(b.name));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * What to do with a description after the name: "North Caucasus region" is a place named North
 * Caucasus, but "Russian news agency" is a description, not the name of an organization.
 */
type TrailingWords = 'strip' | 'reject';

function mentionsOf(
  view: TaggedView,
  trailing: TrailingWords,
  pick: (terms: Term[]) => Term[] = (t) => t,
): string[] {
  return (view.json({ terms: { tags: true, text: true, whitespace: true } }) as TaggedMatch[])
    .map((match) => cleanName(joinTerms(pick(match.terms)), trailing))
    .filter((name): name is string => name !== undefined);
}

/**
 * Strips what the tagger drags along: punctuation, possessives, a possessor ("Russia's X"), leading
 * lowercase words ("the", "city of", "southern") and, for places and people, trailing ones.
 */
export function cleanName(raw: string, trailing: TrailingWords = 'strip'): string | undefined {
  let name = raw
    .replace(/^[\s"'“‘(\[]+|[\s"'”’),.;:!?\]]+$/g, '')
    .replace(/['’]s$/, '')
    .trim();
  const possessor = name.match(/^[\p{Lu}][\p{L}-]*['’]s\s+(.+)$/u);
  if (possessor?.[1]) name = possessor[1];
  name = name.replace(/^(?:[\p{Ll}-]+\s+)+/u, '');
  if (/\s[\p{Ll}-]+$/u.test(name)) {
    if (trailing === 'reject') return undefined;
    name = name.replace(/(?:\s+[\p{Ll}-]+)+$/u, '');
  }
  if (!/^[\p{Lu}\p{N}]/u.test(name) || name.length < 2) return undefined;
  return name;
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
  for (const name of names) {
    const parts = words.get(name) ?? [];
    const host = names.find((other) => {
      const otherParts = words.get(other) ?? [];
      if (otherParts.length <= parts.length || canonical.get(other) !== other) return false;
      return isContiguous(otherParts, parts);
    });
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

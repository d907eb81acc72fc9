/**
 * People, organizations and places, tagged by `compromise`, then cleaned and merged: "Tsarnaev" and
 * "Tamerlan Tsarnaev" are one person, counted once per mention. The merge rule is hand-written because
 * compromise tags mentions one by one and has no coreference.
 */
import nlp from 'compromise';

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

export function extractEntities(doc: View, text: string): Entities {
  const known = mentionsOf(doc.people(), 'strip', personalName);
  const personWords = new Set(known.flatMap((name) => name.split(' ')));
  // A word the tagger also saw as part of a personal name ("camp Pacquiao") is that person, not a place.
  const notPerson = (name: string) => !name.split(' ').every((word) => personWords.has(word));
  const organizations = mentionsOf(doc.organizations(), 'reject').filter(notPerson);
  const places = mentionsOf(doc.places(), 'strip').filter(notPerson);
  const taken = new Set([...organizations, ...places]);
  const people = [...known, ...unknownNames(doc, text).filter((n) => !taken.has(n))];
  return {
    people: countMentions(mergeVariants(people), text, true),
    organizations: countMentions(mergeVariants(organizations), text),
    places: countMentions(mergeVariants(places), text),
  };
}

type Term = TaggedMatch['terms'][number];

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

function unknownNames(doc: View, text: string): string[] {
  const names: string[] = [];
  for (const match of doc
    .match('#ProperNoun+')
    .json({ terms: { tags: true, text: true, whitespace: true } }) as TaggedMatch[]) {
    const terms = match.terms;
    if (terms.length < 2 || terms.length > 3 || terms.slice(0, -1).some((t) => t.post !== ' ')) continue;
    if (terms.some((t) => !/^\p{Lu}\p{Ll}+$/u.test(t.text) || t.tags.some((tag) => !NAME_TAGS.has(tag))))
      continue;
    if (terms.every((t) => t.tags.includes('Person'))) continue; // compromise found it already
    if (terms.some((t) => isCommonWord(t.text))) continue; // "Big Bear", "Wild Card"
    const name = joinTerms(terms);
    const pattern = new RegExp(String.raw`(\S+\s+)?${escapeRegExp(name)}(\s+of\b)?`, 'u');
    const around = pattern.exec(text);
    if (!around || around[2] || /^(the|a|an|The|A|An)\s/.test(around[1] ?? '')) continue;
    names.push(name);
  }
  return names;
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
  const names = [...counts.keys()].sort(
    (a, b) => wordsOf(b).length - wordsOf(a).length || (counts.get(b) ?? 0) - (counts.get(a) ?? 0),
  );
  const canonical = new Map<string, string>();
  for (const name of names) {
    const parts = wordsOf(name);
    const host = names.find((other) => {
      const otherParts = wordsOf(other);
      if (otherParts.length <= parts.length || canonical.get(other) !== other) return false;
      return isContiguous(otherParts, parts);
    });
    canonical.set(name, host ?? name);
  }
  const merged = new Map<string, number>();
  for (const [name, count] of counts) {
    const root = canonical.get(name) ?? name;
    merged.set(root, (merged.get(root) ?? 0) + count);
  }
  return [...merged]
    .map(([name, mentions]) => ({ name, mentions }))
    .sort((a, b) => b.mentions - a.mentions || a.name.localeCompare(b.name))
    .slice(0, MAX_PER_KIND);
}

function wordsOf(name: string): string[] {
  return name.toLowerCase().split(/\s+/);
}

function isContiguous(haystack: string[], needle: string[]): boolean {
  for (let i = 0; i + needle.length <= haystack.length; i++) {
    if (needle.every((w, j) => haystack[i + j] === w)) return true;
  }
  return false;
}

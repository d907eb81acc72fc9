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
interface ArrayOut {
  out(format: 'array'): unknown;
}

const MAX_PER_KIND = 15;

export function extractEntities(doc: View): Entities {
  return {
    people: mergeVariants(mentionsOf(doc.people())),
    organizations: mergeVariants(mentionsOf(doc.organizations())),
    places: mergeVariants(mentionsOf(doc.places())),
  };
}

function mentionsOf(view: ArrayOut): string[] {
  return (view.out('array') as string[]).map(cleanName).filter((name): name is string => name !== undefined);
}

/** Strips what the tagger drags along: punctuation, possessives, a leading "the", a possessor ("Russia's X"). */
export function cleanName(raw: string): string | undefined {
  let name = raw
    .replace(/^[\s"'“‘(\[]+|[\s"'”’),.;:!?\]]+$/g, '')
    .replace(/['’]s$/, '')
    .trim();
  const possessor = name.match(/^[\p{Lu}][\p{L}-]*['’]s\s+(.+)$/u);
  if (possessor?.[1]) name = possessor[1];
  name = name.replace(/^the\s+/i, '').trim();
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

/**
 * Direct quotes with their speaker. Quotation marks are unambiguous delimiters, and attribution in news
 * follows a handful of fixed frames ("..., X said", "X said: ..."), so this is matched directly rather
 * than with a tagger; the speaker must be a capitalised name or a known person.
 */
export interface Quote {
  text: string;
  speaker?: string;
}

/**
 * A quotation opens after a space or bracket and closes before a space or punctuation: with straight
 * quotes this keeps the text between one quote's end and the next one's start from passing as a quote.
 * German „…“ and French « … » marks count too; their speakers are only found by the English frames below.
 */
const QUOTED =
  /(?<=^|[\s(\[—–-])(?:“([^”]{12,600})”|"([^"\n]{12,600})"|„([^“”\n]{12,600})[“”]|«\s?([^»\n]{12,600}?)\s?»)(?=$|[\s,.;:!?)\]—–-])/gu;
const SPEECH = String.raw`(?:said|says|told|added|explained|wrote|stated|declared|insisted|warned|noted|asked)`;
const SPEAKER = String.raw`((?:[\p{Lu}][\p{L}'’.-]+)(?:\s+[\p{Lu}][\p{L}'’.-]+){0,3})`;
/** A speaker may be described: "the Anti-Terrorist agency said". */
const DESCRIBED = String.raw`(?:the\s+)?${SPEAKER}(?:\s+[\p{Ll}]+)?`;
const AFTER = new RegExp(String.raw`^[\s,]*(?:${SPEECH}\s+${SPEAKER}|(${DESCRIBED})\s+${SPEECH})`, 'u');
const BEFORE = new RegExp(String.raw`${SPEAKER}\s+${SPEECH}[^.”"]{0,40}[:,]\s*$`, 'u');
const PRONOUNS = /^(He|She|They|It|We|I|The|This|That|A|An)$/;
/** "…," he said / She added: "…" — the speaker is the person last named before the quote. */
const PRONOUN_AFTER = new RegExp(String.raw`^[\s,]*(?:${SPEECH}\s+(?:he|she)\b|(?:he|she)\s+${SPEECH})`, 'u');
const PRONOUN_BEFORE = new RegExp(String.raw`\b(?:He|She|he|she)\s+${SPEECH}[^.”"]{0,40}[:,]\s*$`, 'u');

const MAX_QUOTES = 10;

export function extractQuotes(text: string, people: readonly string[] = []): Quote[] {
  const quotes: Quote[] = [];
  for (const match of text.matchAll(QUOTED)) {
    const inner = (match[1] ?? match[2] ?? match[3] ?? match[4] ?? '').trim();
    if (inner.split(/\s+/).length < 4) continue;
    const index = match.index;
    const after = text.slice(index + match[0].length, index + match[0].length + 80);
    const before = text.slice(Math.max(0, index - 80), index);
    const found = AFTER.exec(after);
    const named = resolveSpeaker(found?.[1] ?? found?.[2] ?? BEFORE.exec(before)?.[1], people);
    const byPronoun = PRONOUN_AFTER.test(after) || PRONOUN_BEFORE.test(before);
    const speaker = named ?? (byPronoun ? lastNamedBefore(text, index, people) : undefined);
    quotes.push({ text: inner.replace(/[,\s]+$/, ''), ...(speaker ? { speaker } : {}) });
    if (quotes.length >= MAX_QUOTES) break;
  }
  return quotes;
}

/** The person whose name (or surname) occurs last before `index`: what a "he said" refers to. */
function lastNamedBefore(text: string, index: number, people: readonly string[]): string | undefined {
  const head = text.slice(0, index);
  let best: { person: string; at: number } | undefined;
  for (const person of people) {
    const at = Math.max(head.lastIndexOf(person), head.lastIndexOf(person.split(' ').at(-1) ?? person));
    if (at >= 0 && (!best || at > best.at)) best = { person, at };
  }
  return best?.person;
}

/** The full name of a surname-only speaker when the article names that person in full elsewhere. */
function resolveSpeaker(raw: string | undefined, people: readonly string[]): string | undefined {
  const name = raw
    ?.replace(/^the\s+/, '')
    .replace(/['’]s$/, '')
    .trim();
  if (!name || PRONOUNS.test(name)) return undefined;
  return people.find((p) => p === name || p.endsWith(` ${name}`)) ?? name;
}

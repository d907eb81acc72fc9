/**
 * Direct quotes with their speaker. Quotation marks are unambiguous delimiters, and attribution in news
 * follows a handful of fixed frames ("..., X said", "X said: ..."), so this is matched directly rather
 * than with a tagger; the speaker must be a capitalised name or a known person.
 */
export interface Quote {
  text: string;
  speaker?: string;
}

const QUOTED = /(?:“([^”]{12,600})”|"([^"\n]{12,600})")/g;
const SPEECH = String.raw`(?:said|says|told|added|explained|wrote|stated|declared|insisted|warned|noted|asked)`;
const SPEAKER = String.raw`((?:[\p{Lu}][\p{L}'’.-]+)(?:\s+[\p{Lu}][\p{L}'’.-]+){0,3})`;
/** A speaker may be described: "the Anti-Terrorist agency said". */
const DESCRIBED = String.raw`(?:the\s+)?${SPEAKER}(?:\s+[\p{Ll}]+)?`;
const AFTER = new RegExp(String.raw`^[\s,]*(?:${SPEECH}\s+${SPEAKER}|(${DESCRIBED})\s+${SPEECH})`, 'u');
const BEFORE = new RegExp(String.raw`${SPEAKER}\s+${SPEECH}[^.”"]{0,40}[:,]\s*$`, 'u');
const PRONOUNS = /^(He|She|They|It|We|I|The|This|That|A|An)$/;

const MAX_QUOTES = 10;

export function extractQuotes(text: string, people: readonly string[] = []): Quote[] {
  const quotes: Quote[] = [];
  for (const match of text.matchAll(QUOTED)) {
    const inner = (match[1] ?? match[2] ?? '').trim();
    if (inner.split(/\s+/).length < 4) continue;
    const index = match.index;
    const after = text.slice(index + match[0].length, index + match[0].length + 80);
    const before = text.slice(Math.max(0, index - 80), index);
    const found = AFTER.exec(after);
    const speaker = resolveSpeaker(found?.[1] ?? found?.[2] ?? BEFORE.exec(before)?.[1], people);
    quotes.push({ text: inner.replace(/[,\s]+$/, ''), ...(speaker ? { speaker } : {}) });
    if (quotes.length >= MAX_QUOTES) break;
  }
  return quotes;
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

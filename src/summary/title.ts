/** The summary's title: the document's own when it has one, otherwise derived, saying where it came from. */
import type { SummaryContent } from './schema.js';

const MAX_TITLE_WORDS = 18;

export function chooseTitle(
  ownTitle: string | undefined,
  text: string,
  firstSentence: string | undefined,
): SummaryContent['title'] {
  if (ownTitle?.trim()) return { text: ownTitle.trim(), origin: 'document' };
  const firstLine = text.split('\n')[0]?.trim() ?? '';
  // A short first line without closing punctuation is a headline, as in plain-text news files.
  if (
    firstLine &&
    firstLine.split(/\s+/).length <= MAX_TITLE_WORDS &&
    !/[.!?:;,"”]$/.test(firstLine) &&
    text.includes('\n')
  ) {
    return { text: firstLine, origin: 'first-line' };
  }
  const headline = mainClause((firstSentence ?? firstLine).trim());
  const words = headline.split(/\s+/);
  const head = words.slice(0, MAX_TITLE_WORDS);
  const shortened = head.join(' ').replace(/[,;:]$/, '');
  return {
    text: head.length < words.length ? `${shortened}…` : shortened,
    origin: 'first-sentence',
  };
}

/** News ledes often open with a scene-setting clause ("As X continues…, Y did Z"); the headline is Y did Z. */
const LEADING_CLAUSE =
  /^(?:as|while|when|after|before|although|though|since|because|despite|amid|following|with)\b[^,]{3,}?,\s+/i;
/** A dash, semicolon or colon after the first few words ends the headline's clause. */
const CLAUSE_BREAK = /\s+[—–]\s+|;\s+|:\s+/;
const MIN_HEADLINE_WORDS = 5;

/** The sentence's main clause, when cutting leaves a headline of a useful length; otherwise the sentence. */
export function mainClause(sentence: string): string {
  let clause = sentence;
  const lead = LEADING_CLAUSE.exec(clause);
  if (lead && wordCount(clause.slice(lead[0].length)) >= MIN_HEADLINE_WORDS) {
    const rest = clause.slice(lead[0].length);
    clause = rest.charAt(0).toUpperCase() + rest.slice(1);
  }
  const parts = clause.split(CLAUSE_BREAK);
  if (parts.length > 1 && wordCount(parts[0] ?? '') >= MIN_HEADLINE_WORDS) clause = parts[0] ?? clause;
  return clause.replace(/[.!?]+$/, '');
}

const wordCount = (text: string) => text.split(/\s+/).filter(Boolean).length;

/** The summary's title: the document's own when it has one, otherwise derived, saying where it came from. */
import type { SummaryContent } from './schema.js';

const MAX_TITLE_WORDS = 14;

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
  const sentence = (firstSentence ?? firstLine).trim();
  const head = sentence.split(/\s+/).slice(0, MAX_TITLE_WORDS);
  const shortened = head.join(' ').replace(/[,;:]$/, '');
  return {
    text: head.length < sentence.split(/\s+/).length ? `${shortened}…` : shortened,
    origin: 'first-sentence',
  };
}

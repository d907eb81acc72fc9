/**
 * Removes the furniture news text carries around the story. No library targets this kind of plain-text
 * residue (Readability works on the DOM, before it is text), so the patterns are hand-written; each is
 * anchored to a whole line, a bracketed credit or a fixed phrase so article sentences are never cut.
 * Removed inline phrases become paragraph breaks, which keeps every remaining sentence a span of the source.
 */

/** Whole lines that are furniture: related-story lists, credits, share prompts, bylines, timestamps. */
const NOISE_LINES: readonly RegExp[] = [
  /^(related (stories|articles|coverage|content|links)|read more|see also|more on this|recommended|most read|you may also like)\b.*$/i,
  /^(share|tweet|email|print|subscribe|follow|sign up|click here|like us)\b.{0,120}$/i,
  /^(by|written by|reporting by|words by)\s+[\p{Lu}.][\p{L}.'’ -]{1,60}([,|–-].{0,60})?$/iu,
  /^(published|updated|last updated|posted|first published)\b.{0,80}$/i,
  /^(\d{1,2}:\d{2}\s*(am|pm|[A-Z]{2,4})?.{0,40}\d{4}|\w+day,? \d{1,2} \w+ \d{4}.{0,40})$/i,
  /^(\(?(photo|image|video|picture|footage|graphic)s?\b.{0,40}\b(courtesy|credit|via|by|source)\b.{0,80}\)?)$/i,
  /^(video|photo|footage|images?) of .{0,160}\b(courtesy of|via|credit(ed)? to)\b.{0,60}$/i,
  /^advertisement$/i,
];

/** Bracketed or parenthesised credits anywhere: "[Featured Photo via RT YouTube Screen Capture]". */
const BRACKETED_CREDIT =
  /[[(](featured |top |header )?(photo|image|picture|video|footage|graphic)s?( credit)?\s*(:|via|by|courtesy|source|credit)[^\])\n]{0,120}[\])]/gi;

/** Inline furniture that news feeds glue between sentences. */
const INLINE_NOISE =
  /\b(Scroll down for (the )?video|Click here for more|Watch the video below|Visit site)\b\.{0,3}/g;

/** "RELATED STORIES:" glued mid-paragraph swallows the rest of that paragraph (the list of headlines). */
const GLUED_RELATED = /\s*RELATED (STORIES|ARTICLES|COVERAGE)\s*:.*$/gm;

export function removeBoilerplate(text: string): string {
  const paragraphs = text
    .replace(BRACKETED_CREDIT, '\n\n')
    .replace(INLINE_NOISE, '\n\n')
    .replace(GLUED_RELATED, '')
    .split(/\n/)
    .map((line) => line.trim())
    .map((line) => (NOISE_LINES.some((pattern) => pattern.test(line)) ? '' : line));
  return paragraphs
    .join('\n')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{2,}/g, '\n\n')
    .trim();
}

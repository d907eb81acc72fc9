/**
 * Removes the furniture news text carries around the story. No library targets this kind of plain-text
 * residue (Readability works on the DOM, before it is text), so the patterns are hand-written; each is
 * anchored to a whole line, a bracketed credit or a fixed phrase so article sentences are never cut.
 * Removed inline phrases become paragraph breaks, which keeps every remaining sentence a span of the source.
 */

/**
 * A name as bylines and credits write it: capitalised words, possibly joined by "and", "of", "&". Every
 * way through it is unambiguous (a hyphen between names needs spaces around it; the capital is tested
 * without the case-insensitive flag), so a line such as "By A-A-A-…-A!" or "Photo by Ann and and … and!"
 * fails in linear time instead of trying every split of it (exponential: such a line hung the Lambda).
 */
const NAME_WORD = String.raw`(?:(?=\p{Lu})[\p{L}.'’-]+|and|of|&|de|van|von)`;
const NAME = String.raw`(?=\p{Lu})[\p{L}.'’-]+(?:\s+${NAME_WORD})*`;

/** The header of a list of links to other stories; the headlines under it go with it (`isListedHeadline`). */
const LINK_LIST_HEADER =
  /^(related (stories|articles|coverage|content|links)|read more|see also|more on this( story)?|recommended|most read|you may also like)\s*(:|$)/i;

/**
 * Whole lines that are furniture: related-story lists, share prompts, bylines, timestamps, credits.
 * Each pattern demands the furniture's own shape (a colon, an imperative with its object, capitalised
 * names only), so that a line of prose starting "By Sunday, ..." or "Follow the money ..." stays.
 */
const NOISE_LINES: readonly RegExp[] = [
  LINK_LIST_HEADER,
  /^(share (this|on)|tweet (this|us)|email (this|us)|print (this|article)|subscribe (to|now|here)|follow (us|@)|sign up (for|to|here)|click here|like us on)\b.{0,120}$/i,
  new RegExp(
    String.raw`^(?:By|BY|Written by|Reporting by|Words by)\s+${NAME}(?:(?:\s*[,|–—]|\s+-)\s*${NAME})*$`,
    'u',
  ),
  /^(published|updated|last updated|posted|first published)(:|\s+(on|at)\s+\d)/i,
  /^(\d{1,2}:\d{2}\s*(am|pm|[A-Z]{2,4})?.{0,40}\d{4}|\w+day,? \d{1,2} \w+ \d{4}.{0,40})$/i,
  new RegExp(
    String.raw`^\(?(?:[Pp]hoto|[Ii]mage|[Pp]icture|[Vv]ideo|[Ff]ootage|[Gg]raphic|PHOTO|IMAGE|PICTURE|VIDEO|FOOTAGE|GRAPHIC)[sS]?(?:\s+[Cc]redit|\s+CREDIT)?\s*(?::|by|By|BY|via|Via|VIA|courtesy of|Courtesy of|COURTESY OF)\s*${NAME}\)?$`,
    'u',
  ),
  /^(video|photo|footage|images?) of .{0,160}\b(courtesy of|credit(ed)? to)\b.{0,60}$/i,
  // A caption line: "Featured Photo: Water pours from the spillway. Photo courtesy of the water board".
  /^((featured|top|header|main|lead) )?(photo|image|picture|video|footage|graphic)s?: .{0,300}$/i,
  /^advertisement$/i,
];

/** Bracketed or parenthesised credits anywhere: "[Featured Photo via NBS YouTube Screen Capture]". */
const BRACKETED_CREDIT =
  /[[(](featured |top |header )?(photo|image|picture|video|footage|graphic)s?( credit)?\s*(:|via|by|courtesy|source|credit)[^\])\n]{0,120}[\])]/gi;

/** Inline furniture that news feeds glue between sentences. */
const INLINE_NOISE =
  /\b(Scroll down for (the )?video|Click here for more|Watch the video below|Visit site)\b\.{0,3}/g;

/**
 * "RELATED STORIES:" glued mid-line swallows the rest of that line (the list of headlines). On a line of
 * its own it is a header, and the lines under it are the list (`LINK_LIST_HEADER`).
 */
const GLUED_RELATED = /(?<!\s)[ \t]*RELATED (STORIES|ARTICLES|COVERAGE)\s*:.*$/gm;

/** How many lines under a link-list header can be its headlines. */
const MAX_LISTED_HEADLINES = 8;

/**
 * A headline as link lists print them, one per line: short, and not ending a sentence the way prose does.
 * A line of prose under the list ends it and stays.
 */
function isListedHeadline(line: string): boolean {
  return line.split(/\s+/, 17).length <= 16 && !/[.!:;,"”’)\]]$/.test(line);
}

export function removeBoilerplate(text: string): string {
  const paragraphs = text
    .replace(BRACKETED_CREDIT, '\n\n')
    .replace(INLINE_NOISE, '\n\n')
    .replace(GLUED_RELATED, '')
    .split(/\n/)
    .map((line) => line.trim());
  let headlinesLeft = 0;
  for (const [i, line] of paragraphs.entries()) {
    if (line === '') continue;
    if (headlinesLeft > 0 && isListedHeadline(line)) {
      headlinesLeft--;
      paragraphs[i] = '';
      continue;
    }
    headlinesLeft = LINK_LIST_HEADER.test(line) ? MAX_LISTED_HEADLINES : 0;
    if (NOISE_LINES.some((pattern) => pattern.test(line))) paragraphs[i] = '';
  }
  return (
    paragraphs
      .join('\n')
      // Each pattern that may start inside a run of spaces starts only at the run's first space: tried from
      // every space of a long run, it was quadratic in the run (200,000 spaces took minutes).
      .replace(/(?<![ \t])[ \t]+\n/g, '\n')
      .replace(/\n{2,}/g, '\n\n')
      .trim()
  );
}

/**
 * Outlets and agencies the article cites ("according to X", "X reported", "courtesy of X", "via X").
 * These attribution frames are fixed phrases of news English; no tagger labels a name as a cited source,
 * so the frames are matched here and the name is read as the run of capitalised words that follows.
 */
import { mergeVariants, type MentionedName } from './entities.js';

/** A cited name: capitalised words, allowing "of", "the", "&", hyphens, dots, as in "The Moscow Times". */
const NAME = String.raw`((?:The\s+)?[\p{Lu}][\p{L}\p{N}.&'’-]*(?:\s+(?:of\s+|&\s+|de\s+|the\s+)?[\p{Lu}][\p{L}\p{N}.&'’-]*){0,5})`;

/** Descriptions between the frame and the name: "a report by the Russian news agency Interfax". */
const LEAD_IN = String.raw`(?:(?:an?|the|one)\s+)?(?:(?:[\p{L}-]+\s+){0,6}?(?:report|statement|story|interview|article|broadcast|survey|study|data|figures)\s+(?:by|in|on|from|with|to)\s+)?(?:the\s+)?(?:[\p{Ll}-]+\s+){0,6}?`;

const FRAMES: readonly RegExp[] = [
  new RegExp(String.raw`\b[Aa]ccording to\s+${LEAD_IN}${NAME}`, 'gu'),
  new RegExp(String.raw`\b(?:[Cc]ourtesy of|[Vv]ia|[Ss]ource:|[Cc]redit:)\s+(?:the\s+)?${NAME}`, 'gu'),
  new RegExp(
    String.raw`\b(?:told|said in an interview with|in an interview with|speaking to|writing in)\s+(?:the\s+)?${NAME}`,
    'gu',
  ),
  new RegExp(
    String.raw`${NAME}\s+(?:reported|reports|has reported|was reporting|said in a report|quoted|cited)\b`,
    'gu',
  ),
];

/** Words that start a capitalised run but are not outlets (pronouns, sentence openers, titles). */
const NOT_A_SOURCE = new RegExp(
  String.raw`^(He|She|It|They|We|I|You|This|That|These|Those|There|His|Her|Their|Its|Mr|Mrs|Ms|Dr|Police|Officials?|Authorities|Sources?|Witnesses|Reports?|One|Some|Many|Experts?|Analysts?|Investigators|Prosecutors|The|A|An|In|On|At|But|And|Video|Photo)$`,
);

export function extractSources(text: string, known: ReadonlySet<string> = new Set()): MentionedName[] {
  const found: string[] = [];
  for (const frame of FRAMES) {
    for (const match of text.matchAll(frame)) {
      const name = tidy(match[1] ?? '');
      if (name && isOutletLike(name, known)) found.push(name);
    }
  }
  return mergeVariants(found);
}

function tidy(raw: string): string | undefined {
  const name = raw
    .replace(/['’]s$/, '')
    .replace(/[.,;:]+$/, '')
    .trim();
  if (!name || NOT_A_SOURCE.test(name)) return undefined;
  return name;
}

/**
 * People are quoted, outlets are cited: a name counts as a source when the tagger knows it as an
 * organization, or when it looks like one (an acronym, or a name with a media word in it).
 */
function isOutletLike(name: string, known: ReadonlySet<string>): boolean {
  if (known.has(name) || known.has(name.replace(/^The\s+/, ''))) return true;
  if (/^[\p{Lu}]{2,}(?:\s|$)/u.test(name)) return true;
  return /\b(News|Times|Post|Press|Journal|Telegraph|Guardian|Herald|Tribune|Daily|Mail|Gazette|Reuters|Agency|Network|TV|Radio|Television|Magazine|Online|Channel|Broadcasting|Wire|Bloomberg|Interfax|Tass|Xinhua|Observer|Independent|Sun|Mirror|Express|Chronicle|Today|Review|Insider|Monitor|Standard|Star|Globe|Courier|Record|Register|Bulletin|Report|Weekly|Week|Economist|Forbes|Fortune|Wired|Verge|Vice|Politico|Axios|Vox|Slate|BuzzFeed|Mashable|TechCrunch|Engadget|Yahoo|Google|Twitter|Facebook|YouTube|Instagram|Reddit)\b/u.test(
    name,
  );
}

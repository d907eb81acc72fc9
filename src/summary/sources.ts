/**
 * Outlets and agencies the article cites ("according to X", "X reported", "courtesy of X", "via X").
 * These attribution frames are fixed phrases of news English and no tagger labels a name as a cited
 * source, so the frames are matched here; the cited name is read from the words after the frame.
 */
import { mergeVariants, type MentionedName } from './entities.js';

/**
 * A capitalised word; a dot only inside it ("U.S"), so "RT. Reuters" is two names. It starts at a word's
 * start and is at most 40 characters long: with these two bounds a long capitalised run ("AAAA…", 200,000
 * characters of it) is read once, where an unbounded word was retried from each of its letters (minutes).
 */
const WORD = String.raw`(?<![\p{L}\p{N}&'’.-])[\p{Lu}](?:[\p{L}\p{N}&'’-]|\.(?=\p{L})){0,39}`;

/** A run of capitalised words, allowing "of", "the", "&" inside, as in "The Moscow Times". */
const NAME_RUN = new RegExp(String.raw`(?:The\s+)?${WORD}(?:\s+(?:of\s+|&\s+|the\s+)?${WORD}){0,5}`, 'gu');

/** Frames whose cited name follows them, up to the end of the clause. */
const BEFORE_NAME =
  /\b(?:according to|courtesy of|via|told|in an interview with|speaking to|writing in|reported by|quoted by|cited by)\s+([^.,;:!?()"“”\n]{1,90})/giu;

/** Frames whose cited name precedes them: "Interfax reported". */
const AFTER_NAME = new RegExp(
  String.raw`((?:The\s+)?${WORD}(?:\s+(?:of\s+|&\s+)?${WORD}){0,4})\s+(?:reported|reports|has reported|said in a report|quoted|cited)\b`,
  'gu',
);

/**
 * The verbs AFTER_NAME ends on, after a space. Most articles have none, and then the costly pattern (it
 * tries a name at every capital) cannot match and is skipped.
 */
const REPORTING_VERB = /\s(?:reported|reports|has reported|said in a report|quoted|cited)\b/u;

/** The noun right before the outlet's name in "the Russian news agency Interfax". */
const MEDIA_NOUN =
  /\b(?:agency|newspaper|paper|broadcaster|channel|network|outlet|website|site|magazine|daily|tabloid|station|service|wire)\s+$/i;

const NOT_A_SOURCE =
  /^(He|She|It|They|We|I|You|This|That|These|Those|There|His|Her|Their|Its|Police|Officials?|Authorities|Sources?|Witnesses|Reports?|One|Some|Many|Experts?|Analysts?|Investigators|Prosecutors|The|A|An|In|On|At|But|And|Video|Photo|Mr|Mrs|Ms|Dr)$/;

export function extractSources(
  text: string,
  knownOrganizations: ReadonlySet<string> = new Set(),
): MentionedName[] {
  const found: string[] = [];
  for (const match of text.matchAll(BEFORE_NAME)) {
    const name = citedName(match[1] ?? '');
    if (name && isOutletLike(name, knownOrganizations)) found.push(name);
  }
  for (const match of REPORTING_VERB.test(text) ? text.matchAll(AFTER_NAME) : []) {
    const name = tidy(match[1] ?? '');
    if (name && isOutletLike(name, knownOrganizations)) found.push(name);
  }
  return mergeVariants(found);
}

/** The name a frame cites: the run after a media noun ("news agency RT") or else the first run. */
function citedName(clause: string): string | undefined {
  const runs = [...clause.matchAll(NAME_RUN)];
  const afterMediaNoun = runs.find((run) => MEDIA_NOUN.test(clause.slice(0, run.index)));
  return tidy((afterMediaNoun ?? runs[0])?.[0] ?? '');
}

function tidy(raw: string): string | undefined {
  const name = raw
    .replace(/['’]s$/, '')
    .replace(/[.'’-]+$/, '')
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
  if (/^[\p{Lu}]{2,}$/u.test(name)) return true;
  return /\b(News|Times|Post|Press|Journal|Telegraph|Guardian|Herald|Tribune|Daily|Mail|Gazette|Reuters|Agency|Network|TV|Radio|Television|Magazine|Online|Channel|Broadcasting|Wire|Bloomberg|Interfax|Tass|Xinhua|Observer|Independent|Sun|Mirror|Express|Chronicle|Today|Insider|Monitor|Standard|Globe|Courier|Register|Bulletin|Weekly|Economist|Forbes|Fortune|Wired|Politico|Axios|Vox|Slate|BuzzFeed|TechCrunch|Yahoo|YouTube|Twitter|Facebook|Instagram|Reddit)\b/u.test(
    name,
  );
}

/**
 * Wire and network datelines at the start of a paragraph ("(CNN)", "(CNN) --", "LONDON (Reuters) -",
 * "WASHINGTON (AP) —", "By . Jane Doe . PUBLISHED: ... | UPDATED: ... ."): they tell where and who, not what
 * happened, so they never open a summary, key point or title. Only the prefix goes: what remains of the
 * paragraph is still a verbatim span of the source.
 */
const AGENCY = String.raw`(?:CNN|Reuters|AP|AFP|UPI|Bloomberg|dpa|EFE|ANSA|PA|Xinhua|CNS)`;
const DASH = String.raw`(?:--|—|–|-)`;
/** The story's first character straight after the closing bracket, as CNN and syndicated copy print it. */
const GLUED = String.raw`(?=[\p{Lu}\p{N}"“‘])`;
const PLACE = String.raw`\p{Lu}[\p{L}.'’-]*(?:[ ,]+\p{L}[\p{L}.'’-]*){0,4}`;

const DATELINES: readonly RegExp[] = [
  // "(CNN)" and "(CNN) --", as CNN stories open.
  new RegExp(String.raw`^\(${AGENCY}\)\s*(?:${DASH}\s*)?`, 'u'),
  // "LONDON (Reuters) -", "Washington (CNN) --", "BEIRUT, Lebanon (AP) —", and CNN's glued
  // "Kathmandu, Nepal (CNN)Rescuers": without a dash the story must start right after the bracket, so
  // prose such as "The U.S. (AP) style guide" is left alone.
  new RegExp(String.raw`^${PLACE}\s*\(${AGENCY}\)(?:\s*${DASH}\s*|${GLUED})`, 'u'),
  // A syndicating publisher glued to the story: "(The Hollywood Reporter)Stan Freberg, …".
  new RegExp(String.raw`^\((?:The )?\p{Lu}[\p{L}.&'’-]*(?: \p{Lu}[\p{L}.&'’-]*){0,3}\)${GLUED}`, 'u'),
  // "LONDON, March 3 (Reuters) -".
  new RegExp(String.raw`^${PLACE},\s+\p{L}+\.? \d{1,2}\s*\(${AGENCY}\)\s*${DASH}\s*`, 'u'),
  // Daily Mail bylines: "By . Jane Doe . PUBLISHED: 10:21 EST, 3 March 2014 . | . UPDATED: 11:02 EST, 3 March 2014 . "
  /^By \. .{1,80}? \. (?:PUBLISHED|Last updated):.{1,80}?\d{4} \. (?:\| \. UPDATED:.{1,80}?\d{4} \. )?/u,
  /^Last updated at .{1,60}?\d{4}\s*\.?\s*/iu,
];

/** The text with a dateline removed from the start of each paragraph. */
export function stripDatelines(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      for (const pattern of DATELINES) {
        const match = pattern.exec(line);
        if (match && match[0].length < line.length) return line.slice(match[0].length);
      }
      return line;
    })
    .join('\n');
}

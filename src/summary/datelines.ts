/**
 * Wire and network datelines at the start of a paragraph ("(CNN)", "(CNN) --", "LONDON (Reuters) -",
 * "WASHINGTON (AP) —", "By . Jane Doe . PUBLISHED: ... | UPDATED: ... ."): they tell where and who, not what
 * happened, so they never open a summary, key point or title. Only the prefix goes: what remains of the
 * paragraph is still a verbatim span of the source.
 */
const AGENCY = String.raw`(?:CNN|Reuters|AP|AFP|UPI|Bloomberg|dpa|EFE|ANSA|PA|Xinhua|CNS)`;
const DASH = String.raw`(?:--|—|–|-)`;
const PLACE = String.raw`\p{Lu}[\p{L}.'’-]*(?:[ ,]+\p{L}[\p{L}.'’-]*){0,4}`;

const DATELINES: readonly RegExp[] = [
  // "(CNN)" and "(CNN) --", as CNN stories open.
  new RegExp(String.raw`^\(${AGENCY}\)\s*(?:${DASH}\s*)?`, 'u'),
  // "LONDON (Reuters) -", "Washington (CNN) --", "BEIRUT, Lebanon (AP) —".
  new RegExp(String.raw`^${PLACE}\s*\(${AGENCY}\)\s*${DASH}\s*`, 'u'),
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

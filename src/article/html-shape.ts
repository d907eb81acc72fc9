/**
 * How big and how deep an HTML document is, measured in one linear pass before any parser sees it.
 * linkedom parses with htmlparser2, which keeps its open elements in an array it grows at the front: its
 * time grows with the square of the nesting depth (437,000 unclosed levels in 2 MiB took 120 s), and the
 * DOM it builds costs up to a kilobyte per element and attribute. Both have to be known beforehand.
 * The open-element rules below are htmlparser2's, so the depth measured is the depth it would build.
 */

export interface HtmlShape {
  /** Start tags: the elements the parser would create. */
  elements: number;
  /** End tags and attributes: the rest of the items the parser handles one by one. */
  endTags: number;
  attributes: number;
  /** The most elements open at once. */
  depth: number;
}

/** Elements that never hold content, so they never deepen the tree. */
const VOID = new Set(
  'area base basefont br col command embed frame hr img input isindex keygen link meta param source track wbr'.split(
    ' ',
  ),
);

/** Elements whose content is read as text up to their own end tag. */
const RAW_TEXT = new Set(['script', 'style', 'title', 'textarea', 'xmp']);

const P = ['p'];
const FORM = ['input', 'option', 'optgroup', 'select', 'button', 'datalist', 'textarea'];
/** Opening the key closes any of its elements that is the innermost open one (an unclosed <p>, <li>, <td>...). */
const OPEN_CLOSES = new Map<string, ReadonlySet<string>>(
  Object.entries({
    tr: ['tr', 'th', 'td'],
    th: ['th'],
    td: ['thead', 'th', 'td'],
    body: ['head', 'link', 'script'],
    li: ['li'],
    option: ['option'],
    optgroup: ['optgroup', 'option'],
    dd: ['dd', 'dt'],
    dt: ['dd', 'dt'],
    rt: ['rt', 'rp'],
    rp: ['rt', 'rp'],
    tbody: ['thead', 'tbody'],
    tfoot: ['thead', 'tbody'],
    ...Object.fromEntries(
      ['select', 'input', 'output', 'button', 'datalist', 'textarea'].map((t) => [t, FORM]),
    ),
    ...Object.fromEntries(
      'p h1 h2 h3 h4 h5 h6 address article aside blockquote details div dl fieldset figcaption figure footer form header hr main nav ol pre section table ul'
        .split(' ')
        .map((t) => [t, P]),
    ),
  }).map(([tag, closes]) => [tag, new Set(closes)]),
);

/** Inside SVG and MathML `<x/>` closes itself; these elements switch back to HTML, where it does not. */
const FOREIGN = new Set(['svg', 'math']);
const HTML_INTEGRATION = new Set([
  'mi',
  'mo',
  'mn',
  'ms',
  'mtext',
  'annotation-xml',
  'foreignobject',
  'desc',
  'title',
]);

// HTML whitespace is these five characters, not everything \s matches.
const TAG_NAME_END = /[ \t\n\f\r/>]/g;
const CLOSING_NAME_END = /[ \t\n\f\r>]/g;
const ATTRIBUTE_NAME_END = /[ \t\n\f\r/>=]/g;
const UNQUOTED_VALUE_END = /[ \t\n\f\r>]/g;
const NOT_SPACE = /[^ \t\n\f\r]/g;

export function measureHtml(source: string): HtmlShape {
  const html = source.toLowerCase();
  const shape: HtmlShape = { elements: 0, endTags: 0, attributes: 0, depth: 0 };
  const open: string[] = [];
  // How many of each element are open, so an end tag for an element that is not open costs nothing.
  const openCount = new Map<string, number>();
  const foreign: boolean[] = [];
  const push = (name: string) => {
    open.push(name);
    openCount.set(name, (openCount.get(name) ?? 0) + 1);
  };
  const pop = () => {
    const name = open.pop();
    if (name !== undefined) openCount.set(name, (openCount.get(name) ?? 1) - 1);
  };

  let at = html.indexOf('<');
  while (at !== -1 && at < html.length) {
    const next = html[at + 1] ?? '';
    let end: number;
    if (html.startsWith('<!--', at)) end = after(html, '-->', at + 2);
    else if (html.startsWith('<![cdata[', at)) end = after(html, ']]>', at + 9);
    else if (next === '!' || next === '?') end = after(html, '>', at + 2);
    else if (next === '/') {
      const nameStart = skipSpace(html, at + 2);
      if (!isLetter(html[nameStart]))
        end = html[nameStart] === '>' ? nameStart + 1 : after(html, '>', nameStart);
      else {
        const nameEnd = find(html, CLOSING_NAME_END, nameStart);
        const name = html.slice(nameStart, nameEnd);
        shape.endTags++;
        if (FOREIGN.has(name) || HTML_INTEGRATION.has(name)) foreign.pop();
        if (!VOID.has(name) && (openCount.get(name) ?? 0) > 0) {
          while (open.length > 0 && open.at(-1) !== name) pop();
          pop();
        } else if (name === 'br' || name === 'p') {
          // A stray `</br>` or `</p>` is read as an empty element.
          shape.elements++;
          shape.depth = Math.max(shape.depth, open.length + 1);
        }
        end = after(html, '>', nameEnd);
      }
    } else if (isLetter(next)) {
      const tag = readStartTag(html, at);
      // A tag the upload cuts off before its `>` is not read at all.
      if (!tag) break;
      shape.elements++;
      shape.attributes += tag.attributes;
      const closes = OPEN_CLOSES.get(tag.name);
      while (closes && open.length > 0 && closes.has(open.at(-1) ?? '')) pop();
      shape.depth = Math.max(shape.depth, open.length + 1);
      if (!VOID.has(tag.name)) {
        push(tag.name);
        if (FOREIGN.has(tag.name)) foreign.push(true);
        else if (HTML_INTEGRATION.has(tag.name)) foreign.push(false);
        if (tag.selfClosing && foreign.at(-1)) pop();
      }
      end = tag.end;
      // `<script/>` is not raw text, in HTML as in SVG (the tokenizer ends it at `/>`).
      if (RAW_TEXT.has(tag.name) && !tag.selfClosing) {
        // Its content is text up to `</name`; that end tag is read as usual on the next turn.
        const close = html.indexOf(`</${tag.name}`, end);
        end = close === -1 ? html.length : close;
      }
    } else end = at + 1;
    at = html.indexOf('<', end);
  }
  return shape;
}

interface StartTag {
  name: string;
  attributes: number;
  selfClosing: boolean;
  /** Just after its `>`. */
  end: number;
}

/** A start tag at `at` (which holds `<` and a letter), read as htmlparser2 reads it: quoted values may hold `>`. */
function readStartTag(html: string, at: number): StartTag | undefined {
  let i = find(html, TAG_NAME_END, at + 1);
  const name = html.slice(at + 1, i);
  let attributes = 0;
  let selfClosing = false;
  while (i < html.length) {
    const c = html[i];
    if (c === '>') return { name, attributes, selfClosing, end: i + 1 };
    if (c === '/') {
      selfClosing = html[skipSpace(html, i + 1)] === '>';
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\n' || c === '\f' || c === '\r') {
      i = skipSpace(html, i);
      continue;
    }
    selfClosing = false;
    attributes++;
    i = find(html, ATTRIBUTE_NAME_END, i + 1);
    const equals = skipSpace(html, i);
    if (html[equals] !== '=') continue;
    const value = skipSpace(html, equals + 1);
    const quote = html[value];
    i =
      quote === '"' || quote === "'" ? after(html, quote, value + 1) : find(html, UNQUOTED_VALUE_END, value);
  }
  return undefined;
}

function isLetter(c: string | undefined): boolean {
  return c !== undefined && c >= 'a' && c <= 'z';
}

/** The index just after the next `token` from `from`, or the end of the text when there is none. */
function after(text: string, token: string, from: number): number {
  const found = text.indexOf(token, from);
  return found === -1 ? text.length : found + token.length;
}

/** The index of the first match of the global `pattern` from `from`, or the end of the text. */
function find(text: string, pattern: RegExp, from: number): number {
  pattern.lastIndex = from;
  const match = pattern.exec(text);
  return match ? match.index : text.length;
}

/** The index of the first character from `from` that is not whitespace. */
function skipSpace(text: string, from: number): number {
  return find(text, NOT_SPACE, from);
}

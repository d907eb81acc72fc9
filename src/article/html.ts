/**
 * HTML uploads: the main content found by Mozilla Readability (what Firefox Reader View uses) on a
 * linkedom DOM, then flattened to paragraphs by walking block elements, so no markup survives as text.
 */
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { UnreadableArticleError } from './document.js';
import { measureHtml, type HtmlShape } from './html-shape.js';

export interface HtmlArticle {
  title?: string;
  text: string;
  publishedAt?: string;
}

const BLOCKS = new Set(
  'ADDRESS ARTICLE BLOCKQUOTE BR DD DIV DL DT FIGURE FOOTER H1 H2 H3 H4 H5 H6 HEADER HR LI MAIN OL P PRE SECTION TABLE TD TH TR UL'.split(
    ' ',
  ),
);
/** Not prose: code, embeds, navigation, and the captions and asides that hold photo credits and teasers. */
const SKIPPED = new Set(
  'SCRIPT STYLE NOSCRIPT TEMPLATE SVG IFRAME NAV FORM BUTTON FIGCAPTION ASIDE'.split(' '),
);

interface DomNode {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  childNodes: ArrayLike<DomNode>;
}

export function extractHtml(source: string): HtmlArticle {
  const html = asFullDocument(source);
  const shape = measureHtml(html, { maxDepth: MAX_HTML_DEPTH, maxItems: MAX_HTML_ITEMS });
  refuseUnparseable(shape);
  const document = parseDocument(html);
  const ownTitle = firstText(document, ['h1', 'title']);
  const publishedAt =
    document
      .querySelector('meta[property="article:published_time"], meta[name="date"]')
      ?.getAttribute('content') ??
    document.querySelector('time[datetime]')?.getAttribute('datetime') ??
    undefined;
  // Readability mutates the DOM it reads, so it gets its own copy.
  const article = readabilityCanScore(shape)
    ? new Readability(parseDocument(html), { charThreshold: 200 }).parse()
    : null;
  const main = article?.content
    ? blockText(parseHTML(`<html><body>${article.content}</body></html>`).document.body)
    : '';
  const title = article?.title?.trim() || ownTitle;
  // The headline repeats as the body's first heading (Readability turns <h1> into <h2>): it is not a sentence.
  const headlines = new Set([title, ownTitle].filter(Boolean));
  const text = (main.trim() ? main : blockText(document.body))
    .split('\n\n')
    .filter((paragraph) => !headlines.has(paragraph))
    .join('\n\n');
  return { text, ...(title ? { title } : {}), ...(publishedAt ? { publishedAt } : {}) };
}

/**
 * linkedom builds `document.body` only from an explicit `<html><body>` tree: for a fragment (a CMS body, a
 * snippet) it makes the first element the document element, and valid HTML5 may omit both optional tags.
 * Every upload is given the shell a browser would infer, with its own `<html>` and `<body>` tags removed
 * wherever they are: kept, a `<body>` inside a comment or a script left a fragment without a body, which
 * made Readability throw. The patterns stop at the next `<`, so a tag left open cannot make them rescan the rest.
 */
export function asFullDocument(html: string): string {
  const inner = html.replace(/<!doctype[^<>]*>|<\/?(?:html|body)(?:\s[^<>]*)?>/gi, '');
  const headStart = /<head[\s>]/i.exec(inner);
  const headEnd = headStart ? /<\/head\s*>/i.exec(inner.slice(headStart.index)) : null;
  if (!headStart || !headEnd) return `<!doctype html><html><body>${inner}</body></html>`;
  const end = headStart.index + headEnd.index + headEnd[0].length;
  const head = inner.slice(headStart.index, end);
  return `<!doctype html><html>${head}<body>${inner.slice(0, headStart.index)}${inner.slice(end)}</body></html>`;
}

/**
 * The limits on what the HTML parser is given. Real pages nest a few dozen levels and hold tens of
 * thousands of tags and attributes; past these, parsing time (quadratic in depth) or memory (up to a
 * kilobyte per tag or attribute) would outgrow the function before any text came out.
 */
const MAX_HTML_DEPTH = 3_000;
const MAX_HTML_ITEMS = 200_000;

function refuseUnparseable(shape: HtmlShape): void {
  if (shape.depth > MAX_HTML_DEPTH) {
    throw new UnreadableArticleError(
      'too-complex',
      `The HTML upload is nested too deeply to read: more than ${MAX_HTML_DEPTH.toLocaleString('en')} levels, where real pages nest a few dozen.`,
    );
  }
  const items = shape.elements + shape.endTags + shape.attributes;
  if (items > MAX_HTML_ITEMS) {
    throw new UnreadableArticleError(
      'too-complex',
      `The HTML upload has more than ${MAX_HTML_ITEMS.toLocaleString('en')} tags and attributes, the most that are read.`,
    );
  }
}

/** Elements a malformed page leaves in `<head>` are shown by browsers in the body; linkedom keeps them in the head. */
const HEAD_CONTENT = new Set(['BASE', 'LINK', 'META', 'NOSCRIPT', 'SCRIPT', 'STYLE', 'TEMPLATE', 'TITLE']);

interface MovableNode extends DomNode {
  childNodes: ArrayLike<MovableNode>;
  firstChild: MovableNode | null;
  insertBefore(node: MovableNode, before: MovableNode | null): unknown;
}

/**
 * A document with all of its content in `<body>`, as a browser would build it: Readability looks for the
 * article inside the body and throws on a paragraph outside it ("<head><div><p>...").
 */
function parseDocument(html: string) {
  const { document } = parseHTML(html);
  const { head, body } = document as unknown as { head: MovableNode | null; body: MovableNode | null };
  if (head && body) {
    const strays = Array.from(head.childNodes).filter((node) =>
      node.nodeType === 1
        ? !HEAD_CONTENT.has(node.nodeName)
        : node.nodeType === 3 && /\S/.test(node.textContent ?? ''),
    );
    const first = body.firstChild;
    for (const node of strays) body.insertBefore(node, first);
  }
  return document;
}

/**
 * Readability scores each candidate against all of its ancestors and descendants, which grows faster than
 * the square of the nesting depth (1,000 nested <div> took 6.6 s, 2,000 took 31 s), and it copies and cleans
 * every element and attribute (45,000 links: 3.7 s and 400 MB more; one element with 100,000 attributes:
 * 1.6 s). Real articles nest a few dozen levels in a few thousand elements; a larger document is read block
 * by block without it.
 */
const MAX_READABILITY_DEPTH = 150;
const MAX_READABILITY_ELEMENTS = 10_000;
const MAX_READABILITY_ATTRIBUTES = 30_000;

export function readabilityCanScore(shape: HtmlShape): boolean {
  return (
    shape.depth <= MAX_READABILITY_DEPTH &&
    shape.elements <= MAX_READABILITY_ELEMENTS &&
    shape.attributes <= MAX_READABILITY_ATTRIBUTES
  );
}

function firstText(document: ParentLike, selectors: string[]): string | undefined {
  for (const selector of selectors) {
    const text = document.querySelector(selector)?.textContent?.replace(/\s+/g, ' ').trim();
    if (text) return text;
  }
  return undefined;
}

interface ParentLike {
  querySelector(selector: string): { textContent: string | null } | null;
}

/** Text with a blank line between blocks and collapsed whitespace inside them. */
export function blockText(root: DomNode | null | undefined): string {
  if (!root) return '';
  const paragraphs: string[] = [];
  let current = '';
  const flush = () => {
    const paragraph = current.replace(/\s+/g, ' ').trim();
    if (paragraph) paragraphs.push(paragraph);
    current = '';
  };
  const walk = (node: DomNode) => {
    if (node.nodeType === 3) {
      current += node.textContent ?? '';
      return;
    }
    if (node.nodeType !== 1 || SKIPPED.has(node.nodeName)) return;
    const block = BLOCKS.has(node.nodeName);
    if (block) flush();
    // linkedom builds `childNodes` afresh on each read: read once, or a body of 10,000 paragraphs is quadratic.
    const children = node.childNodes;
    for (let i = 0; i < children.length; i++) {
      const child = children[i];
      if (child) walk(child);
    }
    if (block) flush();
  };
  walk(root);
  flush();
  return paragraphs.join('\n\n');
}

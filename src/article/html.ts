/**
 * HTML uploads: the main content found by Mozilla Readability (what Firefox Reader View uses) on a
 * linkedom DOM, then flattened to paragraphs by walking block elements, so no markup survives as text.
 */
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';

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
  const { document } = parseHTML(html);
  const ownTitle = firstText(document, ['h1', 'title']);
  const publishedAt =
    document
      .querySelector('meta[property="article:published_time"], meta[name="date"]')
      ?.getAttribute('content') ??
    document.querySelector('time[datetime]')?.getAttribute('datetime') ??
    undefined;
  // Readability mutates the DOM it reads, so it gets its own copy.
  const article =
    nestingDepth(document.body) <= MAX_READABILITY_DEPTH
      ? new Readability(parseHTML(html).document, { charThreshold: 200 }).parse()
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
 * Such input is given the shell a browser would infer, so its text is found.
 */
export function asFullDocument(html: string): string {
  if (/<html[\s>]/i.test(html) && /<body[\s>]/i.test(html)) return html;
  const inner = html.replace(/<!doctype[^>]*>|<\/?(?:html|body)(?:\s[^>]*)?>/gi, '');
  const headEnd = /<\/head\s*>/i.exec(inner);
  const split = headEnd ? headEnd.index + headEnd[0].length : 0;
  return `<!doctype html><html>${inner.slice(0, split)}<body>${inner.slice(split)}</body></html>`;
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

/**
 * Readability scores each candidate against all of its ancestors and descendants, which grows faster than
 * the square of the nesting depth (1,000 nested <div> took 6.6 s, 2,000 took 31 s). Real pages nest a few
 * dozen levels; a deeper document is read block by block without it.
 */
const MAX_READABILITY_DEPTH = 150;

/** How many elements deep `root` nests, walked without recursion so any depth is measured. */
function nestingDepth(root: DomNode | null | undefined): number {
  let deepest = 0;
  const stack: Array<{ node: DomNode; depth: number }> = root ? [{ node: root, depth: 1 }] : [];
  for (let item = stack.pop(); item; item = stack.pop()) {
    deepest = Math.max(deepest, item.depth);
    const children = item.node.childNodes;
    for (let i = 0; i < children.length; i++) {
      const child = children[i];
      if (child?.nodeType === 1) stack.push({ node: child, depth: item.depth + 1 });
    }
  }
  return deepest;
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

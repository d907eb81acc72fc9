/**
 * How big and how deep an HTML document is, counted before any DOM is built. The counting is done by the
 * parser linkedom builds its DOM with (htmlparser2's Parser, with linkedom's options), so the tokenizing
 * and open-element rules cannot disagree: a hand-written scanner was bypassed by spellings only the parser
 * knows (`<\x0fscript>` ending a script, a lowercase `<![cdata[`). The parser keeps its open elements in an
 * array it grows at the front, so its time grows with the square of the depth (437,000 unclosed levels in
 * 2 MiB took 120 s), and the DOM costs up to a kilobyte per element and attribute: counting stops as soon as
 * a limit is passed, which bounds both.
 */
import { Parser } from 'htmlparser2';

export interface HtmlShape {
  /** Start tags: the elements the parser would create. */
  elements: number;
  /** End tags and attributes: the rest of the items the parser handles one by one. */
  endTags: number;
  attributes: number;
  /** The most elements open at once. */
  depth: number;
}

export interface HtmlLimits {
  maxDepth: number;
  /** Elements, end tags and attributes together. */
  maxItems: number;
}

const NO_LIMITS: HtmlLimits = { maxDepth: Infinity, maxItems: Infinity };

class LimitPassed extends Error {}

/** The document's shape, or, once a limit is passed, the shape up to that point (which passes it). */
export function measureHtml(html: string, limits: HtmlLimits = NO_LIMITS): HtmlShape {
  const shape: HtmlShape = { elements: 0, endTags: 0, attributes: 0, depth: 0 };
  let open = 0;
  const stopPastLimits = () => {
    if (shape.depth > limits.maxDepth || shape.elements + shape.endTags + shape.attributes > limits.maxItems)
      throw new LimitPassed();
  };
  const counter = new Parser(
    {
      onopentag(_name, attributes) {
        open++;
        shape.elements++;
        shape.attributes += Object.keys(attributes).length;
        shape.depth = Math.max(shape.depth, open);
        stopPastLimits();
      },
      onclosetag() {
        open--;
      },
    },
    { lowerCaseAttributeNames: false, decodeEntities: true },
  );
  // Every end tag the tokenizer reads costs a search of the open elements, even one that closes nothing
  // (which reaches no handler): count them where the tokenizer hands them to the parser (a method marked
  // internal in htmlparser2's types; the version is pinned in package.json).
  const readEndTag = counter.onclosetag.bind(counter);
  counter.onclosetag = (start, endIndex) => {
    shape.endTags++;
    stopPastLimits();
    readEndTag(start, endIndex);
  };
  try {
    counter.end(html);
  } catch (error: unknown) {
    if (!(error instanceof LimitPassed)) throw error;
  }
  return shape;
}

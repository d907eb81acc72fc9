import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { measureHtml } from '../../../src/article/html-shape.js';

interface Element {
  nodeType: number;
  attributes: ArrayLike<unknown>;
  childNodes: ArrayLike<Element>;
}

/** Elements, attributes and depth of the DOM linkedom builds: what the scan has to predict. */
function builtShape(html: string) {
  const { document } = parseHTML(html);
  const shape = { elements: 0, attributes: 0, depth: 0 };
  const stack: Array<[Element, number]> = [];
  const pushChildren = (node: Element, depth: number) => {
    for (const child of Array.from(node.childNodes)) if (child.nodeType === 1) stack.push([child, depth]);
  };
  pushChildren(document as unknown as Element, 1);
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [node, depth] = item;
    shape.elements++;
    shape.attributes += node.attributes.length;
    shape.depth = Math.max(shape.depth, depth);
    pushChildren(node, depth + 1);
  }
  return shape;
}

const DOCUMENTS: ReadonlyArray<[string, string]> = [
  ['a plain page', '<html><head><title>T</title></head><body><div><p class="a">x</p></div></body></html>'],
  [
    'paragraphs, list items and cells left open',
    '<div><p>a<p>b<ul><li>one<li>two</ul><table><tr><td>1<td>2<tr><td>3</table></div>',
  ],
  ['void elements, with and without a slash', '<p>a<br>b<br/>c<img src="x.jpg"><hr></p>'],
  [
    '`<x/>` in SVG, which closes, and in HTML, which does not',
    '<div/><span/><svg><path d="M0"/><g/></svg><b/>',
  ],
  ['HTML inside SVG, where `/>` does not close', '<svg><foreignObject><div/><div/></foreignObject></svg>'],
  [
    'tags inside scripts, styles, titles and textareas',
    '<script>if (a<b) x("<div><div>")</script><style>p>a{}</style><textarea><i><i></textarea>',
  ],
  [
    'comments, doctypes and processing instructions',
    '<!doctype html><!-- <div><div> --><?xml x?><![CDATA[<b>]]><p>x</p>',
  ],
  ['quoted attribute values holding `>`', `<a title="a > b" data-x='<div>' href=x>link</a>`],
  ['end tags that close several elements, or nothing', '<div><span><b>x</div></span></x></p></br>'],
];

describe('measureHtml', () => {
  it.each(DOCUMENTS)('predicts the elements, attributes and depth linkedom builds for %s', (_kind, html) => {
    // Act
    const measured = measureHtml(html);

    // Assess
    expect({
      elements: measured.elements,
      attributes: measured.attributes,
      depth: measured.depth,
    }).toEqual(builtShape(html));
  });

  it('counts end tags apart from the elements they close', () => {
    // Act
    const shape = measureHtml('<div><p>a</p><p>b</p></div></x>');

    // Assess
    expect(shape).toEqual({ elements: 3, endTags: 4, attributes: 0, depth: 2 });
  });

  it('measures 437,000 unclosed levels without building them', { timeout: 20_000 }, () => {
    // Prepare: what took htmlparser2 120 s to parse.
    const html = '<div><p><span><b><i>text'.repeat(87_382);

    // Act
    const shape = measureHtml(html);

    // Assess: the <p> is closed by nothing, so each unit opens five levels.
    expect(shape.depth).toBe(87_382 * 5);
  });
});

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

  it.each([
    ['a lowercase CDATA opening, which the parser reads as a declaration', '<![cdata[ x ]>'],
    ['a raw-text element closed by `<\\x0fscript>`, as the parser allows', '<script>x<\x0fscript>'],
  ])('never counts fewer tags than linkedom builds after %s', (_kind, prefix) => {
    // Prepare: an unclosed-tag bomb behind a prefix that once hid it from the measure.
    const html = prefix + '<div><p><span><b><i>text'.repeat(200);

    // Act
    const measured = measureHtml(html);

    // Assess
    const built = builtShape(html);
    expect(measured.depth).toBeGreaterThanOrEqual(built.depth);
    expect(measured.elements).toBeGreaterThanOrEqual(built.elements);
  });

  it('never counts fewer elements or levels than linkedom builds, over 400 seeded random documents', () => {
    // Prepare: documents stitched from the pieces that tokenizers disagree on.
    const pieces = [
      '<div>',
      '</div>',
      '<p>',
      '<b a=1>',
      '</b>',
      '<![cdata[',
      '<![CDATA[',
      ']]>',
      '<script>',
      '</script>',
      '<\x0fscript>',
      '<!--',
      '-->',
      '<svg>',
      '</svg>',
      '<br/>',
      'x',
      '>',
      '<',
      '<textarea>',
      '</',
    ];
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const under: string[] = [];
    for (let i = 0; i < 400; i++) {
      const html = Array.from({ length: 30 }, () => pieces[Math.floor(random() * pieces.length)]).join('');

      // Act
      const measured = measureHtml(html);

      // Assess
      const built = builtShape(html);
      if (measured.depth < built.depth || measured.elements < built.elements)
        under.push(JSON.stringify(html));
    }
    expect(under).toEqual([]);
  });

  it('counts end tags apart from the elements they close', () => {
    // Act
    const shape = measureHtml('<div><p>a</p><p>b</p></div></x>');

    // Assess
    expect(shape).toEqual({ elements: 3, endTags: 4, attributes: 0, depth: 2 });
  });

  it('stops counting once a limit is passed, so 437,000 unclosed levels cost no more than the limit', () => {
    // Prepare: what took htmlparser2 120 s to parse in full.
    const html = '<div><p><span><b><i>text'.repeat(87_382);

    // Act
    const started = performance.now();
    const shape = measureHtml(html, { maxDepth: 3_000, maxItems: 200_000 });

    // Assess: the count ends one level past the limit (the <p> is closed by nothing: five levels per unit).
    expect(shape.depth).toBe(3_001);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('counts every end tag the parser reads, also those that close nothing, towards the item limit', () => {
    const shape = measureHtml('<div>' + '</x>'.repeat(1_000), { maxDepth: 3_000, maxItems: 500 });

    expect(shape.elements + shape.endTags + shape.attributes).toBe(501);
  });
});

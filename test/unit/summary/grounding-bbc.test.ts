import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { extractArticle } from '../../../src/article/extract.js';
import { summarizeDocument } from '../../../src/summary/summarize.js';
import { expectEvalFileGrounded, expectGrounded, SHARED } from './grounding.js';

describe('grounding on the BBC eval articles and the sample articles', () => {
  it('takes every summary sentence, key point, quote and number verbatim from its BBC article', () => {
    // Prepare, Act and Assess per article: summarize with the defaults, then look each span up in the source.
    expectEvalFileGrounded('bbc-dev250.jsonl');
  });

  it('takes every span of the seed article summary verbatim from the uploaded file', () => {
    // Prepare
    const bytes = readFileSync(new URL('articles/000_4ee77f7c6db00e4b.txt', SHARED));

    // Act
    const content = summarizeDocument(extractArticle(new Uint8Array(bytes), { key: 'articles/000.txt' }));

    // Assess
    expectGrounded('000_4ee77f7c6db00e4b', content, bytes.toString('utf8'));
  });
});

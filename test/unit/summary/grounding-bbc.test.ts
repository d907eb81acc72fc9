import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractArticle } from '../../../src/article/extract.js';
import { summarizeDocument } from '../../../src/summary/summarize.js';
import { expectEvalFileGrounded, expectGrounded, SHARED } from './grounding.js';

describe('grounding on the BBC eval articles and the sample articles', () => {
  it('takes every summary sentence, key point, quote and number verbatim from its BBC article', () => {
    // Prepare, Act and Assess per article: summarize with the defaults, then look each span up in the source.
    expectEvalFileGrounded('bbc-dev250.jsonl');
  });

  it('takes every span of each sample article summary verbatim from the uploaded file', () => {
    // Prepare
    const folder = new URL('articles/', SHARED);
    const names = readdirSync(folder);
    expect(names.length).toBeGreaterThan(0);

    for (const name of names) {
      const bytes = readFileSync(new URL(name, folder));

      // Act
      const content = summarizeDocument(extractArticle(new Uint8Array(bytes), { key: `articles/${name}` }));

      // Assess
      expectGrounded(name, content, bytes.toString('utf8'));
    }
  });
});

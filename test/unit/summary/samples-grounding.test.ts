import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractArticle } from '../../../src/article/extract.js';
import { summarizeDocument } from '../../../src/summary/summarize.js';
import { expectGrounded } from '../../support/grounding.js';
import { SAMPLES_DIR, sampleArticleNames } from '../../support/samples.js';

describe('grounding on the sample articles', () => {
  it('takes every span of each sample summary verbatim from the article text extracted from the upload', () => {
    // Prepare
    const names = sampleArticleNames();
    expect(names.length).toBeGreaterThanOrEqual(6);

    for (const name of names) {
      const doc = extractArticle(new Uint8Array(readFileSync(join(SAMPLES_DIR, name))), {
        key: `articles/${name}`,
      });

      // Act
      const content = summarizeDocument(doc);

      // Assess: against the decoded, extracted text (markup and page chrome are not part of the story).
      expect(content.summary.length, name).toBeGreaterThan(0);
      expectGrounded(name, content, doc.text);
    }
  });
});

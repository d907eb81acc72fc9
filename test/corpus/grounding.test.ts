import { it } from 'vitest';
import { readEvalRows } from '../../scripts/eval-data.js';
import { summarizePlainText } from '../../src/summary/plain-text.js';
import { describeWithEvalFile } from '../support/eval-corpus.js';
import { expectGrounded } from '../support/grounding.js';

const CORPORA = [
  { file: 'cnndm-frank250.jsonl', name: 'CNN/DailyMail' },
  { file: 'bbc-dev250.jsonl', name: 'BBC' },
];

for (const { file, name } of CORPORA) {
  describeWithEvalFile(file, `grounding on the ${name} eval articles`, () => {
    it('takes every summary sentence, key point, quote and number verbatim from its article', () => {
      // Prepare, Act and Assess per article: summarize with the defaults, then look each span up in the source.
      for (const row of readEvalRows(file)) {
        expectGrounded(row.id, summarizePlainText(row.article, row.title), row.article);
      }
    });
  });
}

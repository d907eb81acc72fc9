import { describe, it } from 'vitest';
import { expectEvalFileGrounded } from './grounding.js';

describe('grounding on the CNN/DailyMail eval articles', () => {
  it('takes every summary sentence, key point, quote and number verbatim from its article', () => {
    // Prepare, Act and Assess per article: summarize with the defaults, then look each span up in the source.
    expectEvalFileGrounded('cnndm-frank250.jsonl');
  });
});

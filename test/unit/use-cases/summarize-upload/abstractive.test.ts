/**
 * The LLM path of the summarize use case over in-memory ports: what the model is given, and that every way
 * the budget or the model can fail still stores the extractive summary, saying why. (The Bedrock adapter and
 * the S3 counter are tested at the HTTP boundary: test/integration/summarize-bedrock.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { summarySchema, type Summary } from '../../../../src/summary/schema.js';
import type { AbstractDraft } from '../../../../src/summary/verify-abstract.js';
import {
  AbstractiveSummaryError,
  type AbstractiveSummarizer,
  type LlmCallBudget,
} from '../../../../src/use-cases/summarize-upload/ports.js';
import { summarizeUpload } from '../../../../src/use-cases/summarize-upload/summarize-upload.js';
import { memoryArticles, memorySummarizeDeps } from '../../../support/memory-ports.js';

const ARTICLE =
  'The tram line to Westbank opens on 4 March, the transport authority said on Monday. ' +
  'It cost 48 million euros and took three years to build. ' +
  'Trams will run every 8 minutes at peak times. '.repeat(1) +
  'Residents had waited for the line since the 1990s. '.repeat(40);

const DRAFT: AbstractDraft = {
  title: 'Tram line to Westbank opens on 4 March',
  summary: ['The tram line to Westbank opens on 4 March after three years of building.'],
  keyPoints: ['It cost 48 million euros.', 'Trams will run every 8 minutes at peak times.'],
};

const uploadedAt = new Date('2026-11-24T08:15:02Z');
const ref = { bucket: 'bucket-a', key: 'articles/tram.txt', etag: 'etag-1', uploadedAt };

function model(answer: () => Promise<AbstractDraft>) {
  const inputs: string[] = [];
  const summarizer: AbstractiveSummarizer = {
    provider: 'bedrock',
    modelId: 'amazon.nova-micro-v1:0',
    async draft({ article }) {
      inputs.push(article);
      return answer();
    },
  };
  return { summarizer, inputs };
}

const budgetOf = (take: LlmCallBudget['take']): LlmCallBudget => ({ take });
const always: LlmCallBudget = budgetOf(async () => true);

async function summarizeWith(summarizer: AbstractiveSummarizer, budget: LlmCallBudget): Promise<Summary> {
  const { value, summaries } = memorySummarizeDeps(
    memoryArticles({ [ref.key]: { body: ARTICLE, contentType: 'text/plain' } }),
    new Date('2026-11-24T08:15:05Z'),
  );
  const outcome = await summarizeUpload(ref, {
    ...value,
    abstractive: { summarizer, budget, maxInputTokens: 100 },
  });
  expect(outcome.status).toBe('summarized');
  return summarySchema.parse([...summaries.stored.values()][0]);
}

describe('summarizeUpload with an LLM', () => {
  it('gives the model the article cut to LLM_MAX_INPUT_TOKENS at a sentence end, and stores its verified draft', async () => {
    const { summarizer, inputs } = model(async () => DRAFT);

    const summary = await summarizeWith(summarizer, always);

    expect(inputs).toHaveLength(1);
    expect(inputs[0]!.length).toBeLessThanOrEqual(100 * 4);
    expect(inputs[0]).toMatch(/^The tram line to Westbank.*\.$/s);
    expect(summary).toMatchObject({
      title: { text: DRAFT.title, origin: 'abstractive' },
      summary: DRAFT.summary,
      keyPoints: DRAFT.keyPoints,
      summarizer: { name: 'llm-verified-against-source', llm: { provider: 'bedrock' } },
    });
  });

  it('does not call the model once the day’s budget is spent', async () => {
    const { summarizer, inputs } = model(async () => DRAFT);

    const summary = await summarizeWith(
      summarizer,
      budgetOf(async () => false),
    );

    expect(inputs).toEqual([]);
    expect(summary.summarizer.llm?.fallback?.code).toBe('budget-spent');
    expect(summary.title.origin).not.toBe('abstractive');
  });

  it('stores the extractive summary when the budget cannot be counted, without calling the model', async () => {
    const { summarizer, inputs } = model(async () => DRAFT);

    const summary = await summarizeWith(
      summarizer,
      budgetOf(async () => {
        throw new Error('SlowDown');
      }),
    );

    expect(inputs).toEqual([]);
    expect(summary.summarizer.llm?.fallback).toEqual({
      code: 'budget-unavailable',
      reason: 'The call budget could not be counted: Error: SlowDown',
    });
  });

  it.each([
    ['the model call fails', new AbstractiveSummaryError('No answer within 20000 ms', 'timeout'), 'timeout'],
    ['the adapter has a bug', new TypeError('x is undefined'), 'internal'],
  ])('stores the extractive summary when %s', async (_, error, code) => {
    const { summarizer } = model(async () => {
      throw error;
    });

    const summary = await summarizeWith(summarizer, always);

    expect(summary.summarizer).toMatchObject({
      name: 'lead-centrality-coverage',
      llm: { provider: 'bedrock', modelId: 'amazon.nova-micro-v1:0', fallback: { code } },
    });
  });
});

/**
 * The one schema of a stored summary. The writer validates against it before storing, the digest
 * validates what it reads, tests use it, and `schema/summary.schema.json` is generated from it.
 */
import { z } from 'zod';
import { ARTICLE_FORMATS } from '../article/document.js';

export const SUMMARY_SCHEMA_VERSION = 1;

const mentionedName = z.object({
  name: z.string().min(1),
  mentions: z.number().int().positive(),
});

export const articleFormatSchema = z.enum(ARTICLE_FORMATS);

export const summarySchema = z.object({
  schemaVersion: z.literal(SUMMARY_SCHEMA_VERSION),
  id: z.string().regex(/^[a-f0-9]{16,64}$/, 'hex id derived from bucket, key and version'),
  source: z.object({
    bucket: z.string().min(1),
    key: z.string().min(1),
    size: z.number().int().nonnegative(),
    etag: z.string().optional(),
    versionId: z.string().optional(),
    contentType: z.string().optional(),
    format: articleFormatSchema,
    charset: z.string().min(1),
    url: z.string().url().optional(),
    publishedAt: z.string().optional(),
  }),
  title: z.object({
    text: z.string().min(1),
    origin: z.enum(['document', 'first-line', 'first-sentence', 'key']),
  }),
  language: z.string().min(2),
  /** What is new: 1-3 sentences, each a span of the source text. */
  summary: z.array(z.string().min(1)).min(1).max(3),
  /** What a reader would underline across the whole article, each a span of the source text. */
  keyPoints: z.array(z.string().min(1)).max(5),
  entities: z.object({
    people: z.array(mentionedName),
    organizations: z.array(mentionedName),
    places: z.array(mentionedName),
  }),
  dates: z.array(z.object({ text: z.string().min(1), iso: z.string().optional() })),
  numbers: z.array(
    z.object({
      value: z.number(),
      unit: z.string().optional(),
      text: z.string().min(1),
      context: z.string(),
    }),
  ),
  quotes: z.array(z.object({ text: z.string().min(1), speaker: z.string().optional() })),
  sources: z.array(mentionedName),
  keywords: z.array(z.string().min(1)),
  wordCount: z.number().int().nonnegative(),
  readingTimeMinutes: z.number().int().positive(),
  /** True when only the first part of a very long article was analysed. */
  truncated: z.boolean(),
  summarizer: z.object({ name: z.string(), version: z.string() }),
  createdAt: z.string().datetime(),
});

export type Summary = z.infer<typeof summarySchema>;
export type SummarySource = Summary['source'];

/** A summary as the pure summarizer returns it: everything but what only the pipeline knows. */
export type SummaryContent = Omit<Summary, 'schemaVersion' | 'id' | 'source' | 'createdAt'>;

/** Why an upload could not become a summary; stored under the failure prefix for an operator. */
export const failureRecordSchema = z.object({
  schemaVersion: z.literal(SUMMARY_SCHEMA_VERSION),
  id: z.string().min(1),
  source: z.object({
    bucket: z.string().min(1),
    key: z.string().min(1),
    size: z.number().int().nonnegative().optional(),
    etag: z.string().optional(),
    versionId: z.string().optional(),
  }),
  reason: z.string().min(1),
  code: z.string().min(1),
  failedAt: z.string().datetime(),
});
export type FailureRecord = z.infer<typeof failureRecordSchema>;

/** JSON uploads: `{"title", "body" | "text", "url"?, "publishedAt"?}`. */
import * as z from '../zod.js';
import { describeIssues, errorMessage } from '../errors.js';
import { UnreadableArticleError } from './document.js';

const jsonArticleSchema = z
  .object({
    title: z.optional(z.string()),
    body: z.optional(z.string()),
    text: z.optional(z.string()),
    url: z.optional(z.string()),
    publishedAt: z.optional(z.string()),
  })
  .check(
    z.refine((a) => (a.body ?? a.text ?? '').trim().length > 0, {
      message: 'needs a non-empty "body" or "text"',
    }),
  );

export interface JsonArticle {
  title?: string;
  body: string;
  url?: string;
  publishedAt?: string;
}

export function parseJsonArticle(text: string): JsonArticle {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error: unknown) {
    throw new UnreadableArticleError('invalid-json', `The upload is not valid JSON: ${errorMessage(error)}.`);
  }
  const parsed = jsonArticleSchema.safeParse(value);
  if (!parsed.success) {
    const detail = describeIssues(parsed.error.issues, 'object');
    throw new UnreadableArticleError('invalid-json', `The JSON upload is not an article: ${detail}.`);
  }
  const { title, body, text: plain, url, publishedAt } = parsed.data;
  return {
    body: body?.trim() ? body : (plain ?? ''),
    ...(title?.trim() ? { title: title.trim() } : {}),
    ...(url ? { url } : {}),
    ...(publishedAt ? { publishedAt } : {}),
  };
}

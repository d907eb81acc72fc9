/** What the article module hands the summarizer: decoded, boilerplate-free text plus what the document said of itself. */

/** The input kinds the service reads; the summary schema records which one an upload was. */
export const ARTICLE_FORMATS = ['text', 'markdown', 'html', 'json'] as const;
export type ArticleFormat = (typeof ARTICLE_FORMATS)[number];

export interface ArticleDocument {
  format: ArticleFormat;
  /** The charset the bytes were decoded with, e.g. "utf-8", "windows-1251". */
  charset: string;
  /** The document's own title (HTML <title>/<h1>, Markdown heading, JSON "title"), when it has one. */
  title?: string;
  /** Main text, paragraphs separated by a blank line, boilerplate removed. */
  text: string;
  url?: string;
  publishedAt?: string;
}

export type UnreadableReason =
  | 'empty'
  | 'binary'
  | 'undecodable'
  | 'too-large'
  | 'no-text'
  | 'invalid-json'
  /** Markup past a parser's bound (nesting depth, tags and attributes): parsing it would outgrow the function. */
  | 'too-complex';

/** The upload can never become a summary; retrying will not help. */
export class UnreadableArticleError extends Error {
  override readonly name = 'UnreadableArticleError';
  constructor(
    readonly code: UnreadableReason,
    message: string,
  ) {
    super(message);
  }
}

/** The shared sample articles, read from ../shared beside the checkout. */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const SHARED_ARTICLES_DIR = resolve(__dirname, '../../../shared/articles');
export const SEED_ARTICLE_PATH = join(
  SHARED_ARTICLES_DIR,
  readdirSync(SHARED_ARTICLES_DIR).sort()[0] ?? 'missing',
);
export const seedArticle = (): string => readFileSync(SEED_ARTICLE_PATH, 'utf-8');

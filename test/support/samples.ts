/** The sample articles the repository carries in samples/: what `npm start` and `npm run demo` upload. */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { SAMPLES_DIR, sampleArticlePaths } from '../../src/local/samples.js';

export { SAMPLES_DIR };
/** The article the product was specified from (a news story about a raid in Nalchik). */
export const SEED_ARTICLE_PATH = join(SAMPLES_DIR, '000_4ee77f7c6db00e4b.txt');
export const seedArticle = (): string => readFileSync(SEED_ARTICLE_PATH, 'utf-8');
export const seedArticleBytes = (): Uint8Array => new Uint8Array(readFileSync(SEED_ARTICLE_PATH));
export const sampleArticleNames = (): string[] => sampleArticlePaths().map((path) => basename(path));

/** The sample articles the repository carries in samples/: what `npm start` and `npm run demo` upload. */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { SAMPLES_DIR, sampleArticlePaths } from '../../src/local/samples.js';

export { SAMPLES_DIR };
/**
 * The sample that stands for a news story copied from the web as plain text, without a headline line: a
 * dam leak and an evacuation, written for this project.
 */
export const SEED_ARTICLE_PATH = join(SAMPLES_DIR, 'dam-evacuation.txt');
export const seedArticle = (): string => readFileSync(SEED_ARTICLE_PATH, 'utf-8');
export const seedArticleBytes = (): Uint8Array => new Uint8Array(readFileSync(SEED_ARTICLE_PATH));
export const sampleArticleNames = (): string[] => sampleArticlePaths().map((path) => basename(path));

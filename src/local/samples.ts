/** The sample articles the repository carries (samples/README.md): what `npm start` and `npm run demo` upload. */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const SAMPLES_DIR = resolve(__dirname, '../../samples');

/** Every sample article's path, sorted by file name. */
export function sampleArticlePaths(): string[] {
  return readdirSync(SAMPLES_DIR)
    .filter((name) => name !== 'README.md')
    .sort()
    .map((name) => join(SAMPLES_DIR, name));
}

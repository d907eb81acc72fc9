import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(__dirname, '..', '..', '..', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

/**
 * Imports that silently put hundreds of KiB into every Lambda bundle (issue 13: each zip at most 500 KiB, cold
 * start near a minimal handler's; docs/sizing-and-cost.md). The packaged sizes are checked by
 * test/integration/template.test.ts; these catch the cause at once, with the fix.
 */
describe('imports that bloat the Lambda bundles', () => {
  const files = sources(SRC).map((path) => ({ path: relative(SRC, path), code: readFileSync(path, 'utf8') }));

  it('take zod as a namespace: `import { z }` keeps all of zod (locales, JSON Schema) in the bundle, +350 KiB', () => {
    const offenders = files
      .filter((f) => /import\s*\{\s*z\s*\}\s*from\s*'zod'/.test(f.code))
      .map((f) => f.path);
    expect(offenders, "use `import * as z from 'zod'` (or `import type { z }`)").toEqual([]);
  });

  it('do not use Powertools parser schemas (they import zod whole), nor iconv-lite (TextDecoder decodes every charset)', () => {
    const offenders = files
      .filter((f) => /from\s*'(@aws-lambda-powertools\/parser[^']*|iconv-lite|compromise)'/.test(f.code))
      .map((f) => f.path);
    expect(offenders).toEqual([]);
  });

  it('load the HTML and Markdown readers only through extract-lazily in the Lambda path', () => {
    const eager = files
      .filter((f) => /from\s*'[./]*(article\/)?extract\.js'/.test(f.code))
      .map((f) => f.path)
      .filter((path) => !path.startsWith('local/') && path !== 'summary/plain-text.ts');
    expect(
      eager,
      'the Lambda path imports extract-lazily.ts; extract.ts loads every reader at start',
    ).toEqual([]);
  });
});

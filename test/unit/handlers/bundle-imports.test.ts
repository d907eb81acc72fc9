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

  it('take zod only through src/zod.ts (zod/mini with English messages), and as a namespace', () => {
    // Classic zod costs about 8 ms more at every cold start; mini without the locale says "Invalid input" to
    // everything; and `import { z }` keeps all of zod (every locale, JSON Schema) in the bundle.
    const offenders = files
      .filter(
        (f) =>
          (f.path !== 'zod.ts' && /from\s*'zod[/']/.test(f.code)) ||
          /import\s*\{\s*z\s*\}\s*from\s*'[./]*zod(\.js)?'/.test(f.code),
      )
      .map((f) => f.path);
    expect(offenders, "use `import * as z from '../zod.js'` (the path to src/zod.ts)").toEqual([]);
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

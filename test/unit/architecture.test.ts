/**
 * The layout's rules, read from the import statements of src/: the data path flows one way, the pure core
 * (article, summary, digest) knows nothing of AWS, config, handlers or use cases, adapters take only types
 * from the core, and no module reaches itself through its imports.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '../../src');

interface Import {
  target: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Each import of a file: a module path relative to src/ (`article/extract.ts`) or a package name. */
function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const found: Import[] = [];
  const statements = /^(import|export)\s+(type\s+)?[^;]*?from\s+'([^']+)'|import\('([^']+)'\)/gms;
  for (const match of text.matchAll(statements)) {
    const specifier = match[3] ?? match[4] ?? '';
    const target = specifier.startsWith('.')
      ? relative(SRC, resolve(dirname(file), specifier)).replace(/\.js$/, '.ts')
      : specifier;
    found.push({ target, typeOnly: match[2] !== undefined });
  }
  return found;
}

const graph = new Map(sourceFiles(SRC).map((file) => [relative(SRC, file), importsOf(file)]));
const inFolder = (module: string, folders: string[]) => folders.some((f) => module.startsWith(`${f}/`));
const CORE = ['article', 'summary', 'digest'];

function violations(from: string[], rule: (imported: Import) => boolean): string[] {
  return [...graph].flatMap(([module, imports]) =>
    inFolder(module, from) ? imports.filter(rule).map((i) => `${module} -> ${i.target}`) : [],
  );
}

describe('the layout of src/', () => {
  it('reads the imports it checks (a guard against a parser that finds nothing)', () => {
    expect(graph.get('use-cases/summarize-upload/summarize-upload.ts')?.map((i) => i.target)).toContain(
      'summary/summarize.ts',
    );
  });

  it('keeps the core pure: article, summary and digest import no AWS, config, handler, use case or link', () => {
    const outward = (i: Import) =>
      i.target.startsWith('@aws-sdk/') ||
      i.target.startsWith('@middy/') ||
      i.target.startsWith('@aws-lambda-powertools/') ||
      i.target === 'config.ts' ||
      inFolder(i.target, ['aws', 'handlers', 'use-cases', 'links', 'local']);
    expect(violations(CORE, outward)).toEqual([]);
  });

  it('lets data flow one way: article never imports summary or digest, summary never imports digest', () => {
    expect(violations(['article'], (i) => inFolder(i.target, ['summary', 'digest']))).toEqual([]);
    expect(violations(['summary'], (i) => inFolder(i.target, ['digest']))).toEqual([]);
  });

  it('keeps use cases and links free of adapters, handlers and config', () => {
    const wiring = (i: Import) =>
      i.target.startsWith('@aws-sdk/') ||
      i.target === 'config.ts' ||
      inFolder(i.target, ['aws', 'handlers', 'local']);
    expect(violations(['use-cases', 'links'], wiring)).toEqual([]);
  });

  it('gives adapters nothing from the core but types', () => {
    expect(violations(['aws'], (i) => inFolder(i.target, CORE) && !i.typeOnly)).toEqual([]);
  });

  it('has no import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (module: string, path: string[]) => {
      if (state.get(module) === 'done') return;
      if (state.get(module) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(module)), module].join(' -> '));
        return;
      }
      state.set(module, 'visiting');
      for (const { target } of graph.get(module) ?? [])
        if (graph.has(target)) visit(target, [...path, module]);
      state.set(module, 'done');
    };
    for (const module of graph.keys()) visit(module, []);
    expect(cycles).toEqual([]);
  });
});

/**
 * What the fault tests and `npm run load` upload: the sample articles (one per input kind) and hostile or
 * broken uploads (empty, binary, bad JSON, huge markup, deep nesting, unpunctuated text), each with the
 * outcome the service owes it: a summary, a failure record with a known code, or either (adversarial input
 * that must end as exactly one of the two, whichever the extractor decides).
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { sampleArticlePaths } from '../src/local/samples.js';

export interface UploadSpec {
  /** File name under `articles/`. */
  name: string;
  body: Uint8Array;
  contentType: string;
  /** A summary, a failure record with this code, or either one. */
  expected: { kind: 'summary' } | { kind: 'failure'; code: string } | { kind: 'either' };
}

export const HOSTILE_KINDS = [
  'empty',
  'binary',
  'bad-json',
  'huge-markup',
  'deep-nesting',
  'unpunctuated',
] as const;
export type HostileKind = (typeof HOSTILE_KINDS)[number];

const CONTENT_TYPES: Record<string, string> = {
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.html': 'text/html',
  '.json': 'application/json',
};

const WORDS = ['council', 'tram', 'harbour', 'vote', 'mayor', 'budget', 'river', 'school', 'ferry', 'market'];

let samples: { name: string; body: Uint8Array; contentType: string }[] | undefined;

/** The `index`-th normal upload: the sample articles in turn, each under its own name. */
export function sampleUpload(index: number, prefix = 'article'): UploadSpec {
  samples ??= sampleArticlePaths().map((path) => ({
    name: basename(path),
    body: new Uint8Array(readFileSync(path)),
    contentType: CONTENT_TYPES[extname(path)] ?? 'application/octet-stream',
  }));
  const sample = samples[index % samples.length];
  if (!sample) throw new Error('samples/ holds no article');
  return {
    name: `${prefix}-${String(index).padStart(5, '0')}-${sample.name}`,
    body: sample.body,
    contentType: sample.contentType,
    expected: { kind: 'summary' },
  };
}

/** A hostile or broken upload of the given kind; `random` varies its bytes. */
export function hostileUpload(
  kind: HostileKind,
  index: number,
  random: () => number,
  prefix = 'hostile',
): UploadSpec {
  const name = (extension: string) => `${prefix}-${String(index).padStart(5, '0')}-${kind}${extension}`;
  const text = (value: string) => new TextEncoder().encode(value);
  const word = () => WORDS[Math.floor(random() * WORDS.length)] ?? 'council';
  switch (kind) {
    case 'empty':
      return {
        name: name('.txt'),
        body: new Uint8Array(),
        contentType: 'text/plain',
        expected: { kind: 'failure', code: 'empty' },
      };
    case 'binary': {
      const body = new Uint8Array(2048 + Math.floor(random() * 4096));
      for (let i = 0; i < body.length; i++) body[i] = i % 7 === 0 ? 0 : Math.floor(random() * 256);
      return {
        name: name('.bin'),
        body,
        contentType: 'application/octet-stream',
        expected: { kind: 'failure', code: 'binary' },
      };
    }
    case 'bad-json':
      return {
        name: name('.json'),
        body: text(`{"title": "The ${word()} vote", "body": "The ${word()} met on Monday and`),
        contentType: 'application/json',
        expected: { kind: 'failure', code: 'invalid-json' },
      };
    case 'huge-markup': {
      // About 100 KB of markup around one word per element: much parsing for little text.
      const cells = Array.from(
        { length: 1300 },
        (_, i) =>
          `<div class="c${i % 7}"><span><a href="/x/${i}">${word()}</a></span> <i>${word()}</i></div>\n`,
      );
      return {
        name: name('.html'),
        body: text(`<!doctype html><html><body>${cells.join('')}</body></html>`),
        contentType: 'text/html',
        expected: { kind: 'either' },
      };
    }
    case 'deep-nesting': {
      const depth = 3000 + Math.floor(random() * 2000);
      const story = `The ${word()} ferry will run on electric power from June, the ${word()} council said on Monday.`;
      return {
        name: name('.html'),
        body: text(
          `<html><body>${'<div>'.repeat(depth)}<p>${story}</p>${'</div>'.repeat(depth)}</body></html>`,
        ),
        contentType: 'text/html',
        expected: { kind: 'either' },
      };
    }
    case 'unpunctuated': {
      const words: string[] = [];
      for (let length = 0; length < 40_000; length += 8) words.push(word());
      return {
        name: name('.txt'),
        body: text(words.join(' ')),
        contentType: 'text/plain',
        expected: { kind: 'either' },
      };
    }
  }
}

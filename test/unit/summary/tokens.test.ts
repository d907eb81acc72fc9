import { describe, expect, it } from 'vitest';
import { wholeWordMatches } from '../../../src/summary/entities.js';
import {
  countWords,
  hasLetter,
  opensLowercase,
  opensUppercase,
  withoutPossessive,
} from '../../../src/summary/tokens.js';

/** Every BMP code point, lone surrogates included, and every 7th astral one. */
function* codePoints(): Generator<number> {
  for (let c = 0; c <= 0xffff; c++) yield c;
  for (let c = 0x10000; c <= 0x10ffff; c += 7) yield c;
}

/** A small seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

describe('character tests without a regular expression', () => {
  it('agree with the Unicode property patterns they replace, on every code point', () => {
    // Prepare
    const disagreements: string[] = [];

    // Act
    for (const c of codePoints()) {
      const word = `${String.fromCodePoint(c)}x`;
      if (opensUppercase(word) !== /^\p{Lu}/u.test(word)) disagreements.push(`upper ${c.toString(16)}`);
      if (opensLowercase(word) !== /^\p{Ll}/u.test(word)) disagreements.push(`lower ${c.toString(16)}`);
      const lone = `-${String.fromCodePoint(c)}`;
      if (hasLetter(lone) !== /\p{L}/u.test(lone)) disagreements.push(`letter ${c.toString(16)}`);
    }

    // Assess
    expect(disagreements).toEqual([]);
    expect([opensUppercase(''), opensLowercase(''), hasLetter('')]).toEqual([false, false, false]);
  });

  it('drop a possessive as the pattern did', () => {
    // Act
    const bare = ["Clinton's", 'Clinton’s', "'s", 'boss', "Jones'"].map(withoutPossessive);

    // Assess
    expect(bare).toEqual(['Clinton', 'Clinton', '', 'boss', "Jones'"]);
  });
});

describe('word count', () => {
  it('counts what the word pattern matches, on random texts', () => {
    // Prepare
    const next = random(7);
    const pieces = [
      'a',
      'Zz',
      '9',
      ' ',
      '-',
      "'",
      '’',
      '.',
      'é',
      '\n',
      '𝐀',
      '\uD835',
      '\uDC00',
      '--',
      '½',
      ',',
    ];
    const texts = Array.from({ length: 5_000 }, () =>
      Array.from({ length: Math.floor(next() * 16) }, () => pieces[Math.floor(next() * pieces.length)]).join(
        '',
      ),
    );

    // Act
    const differing = texts.filter(
      (text) => countWords(text) !== (text.match(/[\p{L}\p{N}]+(?:[-'’.][\p{L}\p{N}]+)*/gu)?.length ?? 0),
    );

    // Assess
    expect(differing).toEqual([]);
  });
});

describe('whole-word matching of names', () => {
  /** What countMentions ran before: one pattern of all names, longest first. */
  function byRegularExpression(text: string, names: string[]): string[] {
    const escaped = [...names]
      .sort((a, b) => b.length - a.length)
      .map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    const pattern = new RegExp(String.raw`(?<![\p{L}\p{N}])(?:${escaped.join('|')})(?![\p{L}\p{N}])`, 'gu');
    return [...text.matchAll(pattern)].map((m) => m[0]);
  }

  it('finds what one regular expression of all the names finds, on random texts', () => {
    // Prepare
    const next = random(13);
    const names = [
      'Tamerlan Tsarnaev',
      'Tsarnaev',
      'U.S.',
      'Ann',
      'Anna',
      'Ann Lee',
      // Listed twice: found once, where it stands.
      'Ann',
      '𝐀lpha',
      'Ölund',
      'São Paulo',
    ];
    const pieces = [...names, ' ', '-', 'x', '9', '.', 'é', '\n', '𝐀', '\uD835', '\uDC00', "'s", 'Tsar'];
    const texts = Array.from({ length: 2_000 }, () =>
      Array.from(
        { length: 1 + Math.floor(next() * 12) },
        () => pieces[Math.floor(next() * pieces.length)],
      ).join(''),
    );

    // Act
    const differing = texts.filter(
      (text) =>
        JSON.stringify(wholeWordMatches(text, names)) !== JSON.stringify(byRegularExpression(text, names)),
    );

    // Assess
    expect(differing).toEqual([]);
    expect(texts.filter((text) => byRegularExpression(text, names).length > 1).length).toBeGreaterThan(200);
  });

  it('skips an empty name rather than matching everywhere', () => {
    expect(wholeWordMatches('Ann met Anna.', ['', 'Anna', 'Ann'])).toEqual(['Ann', 'Anna']);
  });
});

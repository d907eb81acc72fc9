import { describe, expect, it } from 'vitest';
import { encodeS3EventKey } from '../../src/local/emulators.js';
import { decodeS3EventKey, partitionedKey } from '../../src/bucket-layout.js';

describe('S3 event keys', () => {
  it.each([
    ['articles/my+article.txt', 'articles/my article.txt'],
    ['articles/a%2Bb.txt', 'articles/a+b.txt'],
    ['articles/100%25+off.txt', 'articles/100% off.txt'],
    ['articles/caf%C3%A9+%E2%80%93+news.md', 'articles/café – news.md'],
  ])('decodes %s as S3 meant it: %s', (encoded, decoded) => {
    expect(decodeS3EventKey(encoded)).toBe(decoded);
  });

  it.each(['articles/my article.txt', 'articles/a+b 100% off/café – ü.md', "articles/it's (1).html"])(
    'round-trips %s through the encoding S3 uses in notifications',
    (key) => {
      expect(decodeS3EventKey(encodeS3EventKey(key))).toBe(key);
    },
  );

  it('encodes a space as "+" and keeps "/" like S3 notifications do', () => {
    expect(encodeS3EventKey('articles/my file+x.txt')).toBe('articles/my+file%2Bx.txt');
  });
});

describe('partitionedKey', () => {
  it('dates the key by the UTC day of the upload', () => {
    expect(partitionedKey('summaries/', new Date('2026-01-02T23:59:59-05:00'), 'abc')).toBe(
      'summaries/2026/01/03/abc.json',
    );
  });
});

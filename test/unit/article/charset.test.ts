import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeBytes, normalizeCharset } from '../../../src/article/charset.js';
import { UnreadableArticleError } from '../../../src/article/document.js';

/**
 * The decoder is Node's own TextDecoder; iconv-lite (a dev dependency only) encodes the test bytes, so each
 * legacy charset is checked against an independent implementation.
 */
const SAMPLES: ReadonlyArray<{ charset: string; label: string; text: string }> = [
  {
    charset: 'windows-1251',
    label: 'windows-1251',
    text: 'Российский спецназ уничтожил ячейку боевиков в воскресенье недалеко от Нальчика.',
  },
  {
    charset: 'windows-1250',
    label: 'cp1250',
    text: 'Żółta łódź płynęła przez jezioro, a rybacy śpiewali pieśni.',
  },
  { charset: 'windows-1252', label: 'latin1', text: 'Café society in Zürich, “quoted” — 5 €.' },
  {
    charset: 'windows-1253',
    label: 'windows-1253',
    text: 'Η κυβέρνηση ανακοίνωσε νέα μέτρα για την οικονομία.',
  },
  {
    charset: 'windows-1254',
    label: 'iso-8859-9',
    text: 'Türkiye’de seçimler ağustos ayında yapılacak, dedi bakan.',
  },
  { charset: 'windows-1255', label: 'windows-1255', text: 'הממשלה הודיעה על צעדים חדשים בכלכלה.' },
  { charset: 'windows-1256', label: 'windows-1256', text: 'أعلنت الحكومة عن إجراءات جديدة للاقتصاد.' },
  { charset: 'iso-8859-2', label: 'ISO-8859-2', text: 'Příliš žluťoučký kůň úpěl ďábelské ódy.' },
  { charset: 'iso-8859-5', label: 'iso-8859-5', text: 'Правительство объявило о новых мерах.' },
  { charset: 'iso-8859-7', label: 'iso-8859-7', text: 'Η κυβέρνηση ανακοίνωσε νέα μέτρα.' },
  { charset: 'iso-8859-15', label: 'ISO_8859-15', text: 'Le prix est de 5 € pour un œuf.' },
  { charset: 'koi8-r', label: 'KOI8-R', text: 'Съешь же ещё этих мягких французских булок, да выпей чаю.' },
  { charset: 'koi8-u', label: 'koi8-u', text: 'Україна оголосила нові заходи для економіки.' },
  { charset: 'ibm866', label: 'cp866', text: 'Правительство объявило о новых мерах.' },
  {
    charset: 'shift_jis',
    label: 'Shift_JIS',
    text: '政府は新しい経済対策を発表した。東京の株価は上昇した。',
  },
  { charset: 'euc-jp', label: 'EUC-JP', text: '政府は新しい経済対策を発表した。' },
  { charset: 'gbk', label: 'GB2312', text: '政府宣布了新的经济措施，股市随之上涨。' },
  { charset: 'gb18030', label: 'gb18030', text: '政府宣布了新的经济措施，股市随之上涨。' },
  { charset: 'big5', label: 'Big5', text: '政府宣佈了新的經濟措施，股市隨之上漲。' },
  { charset: 'euc-kr', label: 'EUC-KR', text: '정부는 새로운 경제 대책을 발표했다. 주가가 올랐다.' },
  { charset: 'utf-16be', label: 'UTF-16BE', text: 'Café society in Zürich.' },
];

describe('decodeBytes', () => {
  it.each(SAMPLES)('decodes $charset declared as "$label"', ({ charset, label, text }) => {
    // Prepare
    const bytes = new Uint8Array(iconv.encode(text, charset));

    // Act
    const decoded = decodeBytes(bytes, label);

    // Assess
    expect(decoded).toEqual({ text, charset });
  });

  it.each([
    [
      'windows-1251',
      'Российский спецназ уничтожил ячейку боевиков в воскресенье. Операция прошла недалеко от Нальчика, сообщили в Национальном антитеррористическом комитете.',
    ],
    [
      'shift_jis',
      '政府は新しい経済対策を発表した。東京の株価は上昇した。専門家は来年の成長を予測している。政府は新しい経済対策を発表した。',
    ],
    [
      'euc-kr',
      '정부는 새로운 경제 대책을 발표했다. 주가가 올랐다. 전문가들은 내년 성장을 예측하고 있다. 정부는 새로운 경제 대책을 발표했다.',
    ],
    [
      'koi8-r',
      'Российский спецназ уничтожил ячейку боевиков в воскресенье. Операция прошла недалеко от Нальчика, сообщили в Национальном антитеррористическом комитете.',
    ],
  ])('detects undeclared %s text', (charset, text) => {
    // Prepare
    const bytes = new Uint8Array(iconv.encode(text, charset));

    // Act
    const decoded = decodeBytes(bytes);

    // Assess
    expect(decoded).toEqual({ text, charset });
  });

  it('decodes every windows-1252 byte from 0x80 to 0x9F as windows-1252, not as Latin-1 controls (Node 20 decodes them as Latin-1)', () => {
    // Prepare
    const bytes = new Uint8Array([
      ...new TextEncoder().encode('Prices: '),
      ...Array.from({ length: 32 }, (_, i) => 0x80 + i),
    ]);

    // Act
    const decoded = decodeBytes(bytes, 'windows-1252');

    // Assess
    // WHATWG keeps the five bytes windows-1252 leaves undefined as C1 controls; iconv-lite makes them U+FFFD.
    const expected = Array.from(bytes, (b) =>
      iconv.decode(Buffer.from([b]), 'windows-1252').replace('\ufffd', String.fromCharCode(b)),
    ).join('');
    expect(decoded).toEqual({ text: expected, charset: 'windows-1252' });
    expect(decoded.text).toContain('‚ƒ„…†‡ˆ‰Š‹Œ');
    expect(decoded.text).toContain('‘’“”•–—˜™š›œ');
  });

  it.each([
    ['windows-1252', 'The minister said the plan was “ready” — and that the vote would come on Monday. '],
    ['windows-1251', 'Российский спецназ уничтожил ячейку боевиков в воскресенье недалеко от Нальчика. '],
    ['shift_jis', '政府は新しい経済対策を発表した。東京の株価は上昇した。専門家は来年の成長を予測している。'],
  ])(
    'detects undeclared %s in a large upload whose legacy characters start after 200 KiB of ASCII',
    (charset, sentence) => {
      // Prepare: the detector sees a sample (the first block and blocks with non-ASCII bytes), not 5 MiB.
      const ascii = 'Plain ASCII news text that every charset encodes alike, line after line.\n'.repeat(2800);
      const text = ascii + sentence.repeat(Math.ceil(300_000 / sentence.length));
      const bytes = new Uint8Array(iconv.encode(text, charset));

      // Act
      const decoded = decodeBytes(bytes);

      // Assess
      expect(decoded.charset).toBe(charset);
      expect(decoded.text === text).toBe(true);
    },
  );

  it('decodes UTF-32 with a byte-order mark, a charset WHATWG leaves out, declared or detected', () => {
    // Prepare
    const text = 'Café society in Zürich 🎉 and more words to tell the encoding apart.';
    const le = new Uint8Array(iconv.encode(text, 'utf-32le'));
    const be = new Uint8Array(iconv.encode(text, 'utf-32be'));

    // Act
    const declaredLe = decodeBytes(le, 'UTF-32LE');
    const declaredBe = decodeBytes(be, 'utf-32be');

    // Assess
    expect(declaredLe).toEqual({ text, charset: 'utf-32le' });
    expect(declaredBe).toEqual({ text, charset: 'utf-32be' });
  });

  it('strips a UTF-8 or UTF-16 byte-order mark', () => {
    // Prepare
    const utf8 = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('Hello there, reader.')]);
    const utf16be = new Uint8Array([0xfe, 0xff, ...iconv.encode('Hello there, reader.', 'utf-16be')]);

    // Act
    const results = [decodeBytes(utf8), decodeBytes(utf16be)];

    // Assess
    expect(results).toEqual([
      { text: 'Hello there, reader.', charset: 'utf-8' },
      { text: 'Hello there, reader.', charset: 'utf-16be' },
    ]);
  });

  it('prefers valid UTF-8 over a careless declaration', () => {
    // Prepare
    const bytes = new TextEncoder().encode('Zürich café, “quoted”.');

    // Act
    const decoded = decodeBytes(bytes, 'windows-1251');

    // Assess
    expect(decoded).toEqual({ text: 'Zürich café, “quoted”.', charset: 'utf-8' });
  });

  it('decodes Korean declared as cp949 when it needs no extension syllable', () => {
    // Prepare: every syllable is in KS X 1001, the part ICU's EUC-KR decoder knows.
    const text = '정부는 새로운 경제 대책을 발표했다.';

    // Act / Assess
    expect(decodeBytes(iconv.encode(text, 'cp949'), 'cp949')).toEqual({ text, charset: 'euc-kr' });
  });

  it.each([
    ['euc-kr', 'cp949', '김똠방 대표는 햏 소리를 냈다.', /cp949 \(UHC\) Hangul/],
    ['big5', 'big5hkscs', '佢哋話呢個計劃嘅目標已經達到。', /HKSCS/],
  ])(
    'refuses %s text that needs an extension ICU does not decode, instead of garbling it',
    (label, encoding, text, reason) => {
      // Prepare
      const bytes = iconv.encode(text, encoding);

      // Act
      const attempt = () => decodeBytes(bytes, label);

      // Assess
      expect(attempt).toThrow(reason);
      expect(attempt).toThrow(/Convert the file to UTF-8/);
    },
  );

  it.each([
    ['iso-8859-16', 'Știri din țară: guvernul a anunțat măsuri noi.'],
    ['cp850', 'Café élève à Zürich, où il fait beau.'],
  ])('refuses a declared %s, which no decoder here knows, instead of guessing', (label, text) => {
    // Prepare
    const bytes = iconv.encode(text, label);

    // Act
    const attempt = () => decodeBytes(bytes, label);

    // Assess
    expect(attempt).toThrow(new RegExp(`declares the charset ${label}, which this service cannot decode`));
  });

  it('rejects bytes that decode to mostly control characters', () => {
    // Prepare
    const bytes = new Uint8Array(Array.from({ length: 400 }, (_, i) => (i % 2 === 0 ? 0x01 : 0x02)));

    // Act
    const attempt = () => decodeBytes(bytes, 'windows-1252');

    // Assess
    expect(attempt).toThrow(UnreadableArticleError);
  });
});

describe('normalizeCharset', () => {
  it.each([
    ['UTF8', 'utf-8'],
    ['"ISO-8859-1"', 'windows-1252'],
    ['us-ascii', 'utf-8'],
    ['cp1251', 'windows-1251'],
    ['x-sjis', 'shift_jis'],
    ['ks_c_5601-1987', 'euc-kr'],
    ['utf-32', 'utf-32le'],
    ['latin9', 'iso-8859-15'],
    ['cp949', 'euc-kr'],
    ['CP936', 'gbk'],
    ['maccyrillic', 'x-mac-cyrillic'],
  ])('maps %s to %s', (label, name) => {
    expect(normalizeCharset(label)).toBe(name);
  });

  it.each(['base64', 'hex', 'binary', 'cp437', 'no-such-charset', '', undefined])(
    'knows no decoder for %s',
    (label) => {
      expect(normalizeCharset(label)).toBeUndefined();
    },
  );
});

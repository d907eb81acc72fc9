import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { UnreadableArticleError } from '../../../src/article/document.js';
import { extractArticle } from '../../../src/article/extract.js';

const STORY =
  'Russian special forces wiped out a militant cell on Sunday. The raid took place outside Nalchik, officials said.';
const utf8 = (text: string) => new TextEncoder().encode(text);

function unreadableCode(act: () => unknown): string | undefined {
  try {
    act();
  } catch (error: unknown) {
    if (error instanceof UnreadableArticleError) return error.code;
    throw error;
  }
  return undefined;
}

describe('extractArticle', () => {
  it('reads an HTML page through Readability, keeping the article and its title but not the navigation', () => {
    // Prepare
    const html = `<!doctype html><html><head><title>Raid in Nalchik</title></head><body>
      <nav><a href="/">Home</a> <a href="/world">World</a></nav>
      <article><h1>Raid in Nalchik</h1><figure><img src="raid.jpg"><figcaption>Troops. Photo: Reuters</figcaption></figure>
      <p>${STORY}</p><aside><a href="/more">More stories you may like</a></aside><p>${STORY.replace('Sunday', 'Monday')}</p>
      <p>${STORY.replace('Nalchik', 'the capital')}</p></article>
      <footer>Subscribe to our newsletter</footer><script>var tracking = 1;</script></body></html>`;

    // Act
    const doc = extractArticle(utf8(html), { key: 'articles/raid.html', contentType: 'text/html' });

    // Assess
    expect(doc.format).toBe('html');
    expect(doc.title).toBe('Raid in Nalchik');
    expect(doc.text.startsWith('Russian special forces wiped out a militant cell on Sunday.')).toBe(true);
    expect(doc.text).not.toMatch(/tracking|Home|Photo: Reuters|More stories|Subscribe/);
  });

  it.each([
    ['a fragment of paragraphs', `<p>${STORY}</p><p>${STORY}</p>`],
    ['a fragment of nested blocks', `<div><div><div><p>${STORY}</p></div></div></div>`],
    [
      'HTML5 without the optional <body> tag',
      `<!doctype html><html><head><title>Raid</title></head><p>${STORY}</p></html>`,
    ],
    ['HTML5 without <html> and <body>', `<!doctype html><title>Raid</title><p>${STORY}</p>`],
    [
      'a fragment whose comment mentions <html> and <body>',
      `<div><div><div><p>${STORY}</p></div></div></div><!-- moved from <html><body> -->`,
    ],
    [
      'a fragment whose script writes <html> and <body>',
      `<div><div><div><p>${STORY}</p></div></div></div><script>w("<html><body>")</script>`,
    ],
    ['a page with <body> before <html>', `<body><div><p>${STORY}</p></div></body><html>`],
    [
      'a page that leaves its article in <head>',
      `<html><head><title>Raid</title><div><p>${STORY}</p></div></head><body></body></html>`,
    ],
  ])('finds the text of %s, which a browser would render', (_kind, html) => {
    // Act
    const doc = extractArticle(utf8(html), { key: 'articles/raid.html', contentType: 'text/html' });

    // Assess
    expect(doc.format).toBe('html');
    expect(doc.text.startsWith('Russian special forces wiped out a militant cell on Sunday.')).toBe(true);
  });

  it('reads a JSON export whose body is an HTML fragment, as CMS exports are', () => {
    // Prepare
    const json = JSON.stringify({
      title: 'Raid in Nalchik',
      body: `<p>${STORY}</p><p><em>${STORY}</em></p>`,
    });

    // Act
    const doc = extractArticle(utf8(json), { key: 'articles/raid.json', contentType: 'application/json' });

    // Assess
    expect(doc.format).toBe('json');
    expect(doc.title).toBe('Raid in Nalchik');
    expect(doc.text).toBe(`${STORY}\n\n${STORY}`);
  });

  it('reads Markdown by its extension, taking the top heading as the title and dropping the markup', () => {
    // Prepare
    const markdown = `# Raid in Nalchik\n\nRussian **special forces** wiped out a [militant cell](https://example.com) on Sunday.\n\n- The raid took place outside Nalchik.\n`;

    // Act
    const doc = extractArticle(utf8(markdown), { key: 'articles/raid.md' });

    // Assess
    expect(doc.format).toBe('markdown');
    expect(doc.title).toBe('Raid in Nalchik');
    expect(doc.text).toBe(
      'Russian special forces wiped out a militant cell on Sunday.\n\nThe raid took place outside Nalchik.',
    );
  });

  it('reads the rows of a Markdown table, its cells joined by a bar', () => {
    // Prepare
    const markdown = `Fares from June:\n\n| Ticket | Price |\n| --- | ---: |\n| Single | **2 euros** |\n| Day pass | 5 euros |\n`;

    // Act
    const doc = extractArticle(utf8(markdown), { key: 'articles/fares.md' });

    // Assess
    expect(doc.text).toBe('Fares from June:\n\nSingle | 2 euros\n\nDay pass | 5 euros');
  });

  it('reads a JSON article with title, body, url and publication date, sniffed without any hint', () => {
    // Prepare
    const json = JSON.stringify({
      title: 'Raid',
      body: STORY,
      url: 'https://example.com/raid',
      publishedAt: '2015-11-29',
    });

    // Act
    const doc = extractArticle(utf8(json), {});

    // Assess
    expect(doc).toEqual({
      format: 'json',
      charset: 'utf-8',
      title: 'Raid',
      text: STORY,
      url: 'https://example.com/raid',
      publishedAt: '2015-11-29',
    });
  });

  it('detects Windows-1251 text without a declared charset', () => {
    // Prepare
    const russian =
      'Российский спецназ уничтожил ячейку боевиков в воскресенье. Операция прошла недалеко от Нальчика, ' +
      'сообщили в Национальном антитеррористическом комитете. По данным ведомства, среди мирных жителей нет пострадавших.';
    const bytes = iconv.encode(russian, 'windows-1251');

    // Act
    const doc = extractArticle(new Uint8Array(bytes), { key: 'articles/ru.txt' });

    // Assess
    expect(doc.charset).toBe('windows-1251');
    expect(doc.text).toBe(russian);
  });

  it('decodes UTF-16 with a byte-order mark, and Latin-1 declared by the content type as windows-1252 like browsers', () => {
    // Prepare
    const utf16 = new Uint8Array(
      Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode('Café society in Zürich.', 'utf-16le')]),
    );
    const latin1 = new Uint8Array(iconv.encode('Café society in Zürich.', 'latin1'));

    // Act
    const fromUtf16 = extractArticle(utf16, { key: 'a.txt' });
    const fromLatin1 = extractArticle(latin1, {
      key: 'b.txt',
      contentType: 'text/plain; charset=ISO-8859-1',
    });

    // Assess
    expect([fromUtf16.charset, fromUtf16.text]).toEqual(['utf-16le', 'Café society in Zürich.']);
    expect([fromLatin1.charset, fromLatin1.text]).toEqual(['windows-1252', 'Café society in Zürich.']);
  });

  it('detects BOM-less UTF-16 and windows-1252 curly quotes without a declared charset', () => {
    // Prepare
    const text =
      'The minister said the plan was “ready” — and that the vote would come on Monday, not Friday.';
    const utf16 = new Uint8Array(iconv.encode(text, 'utf-16le'));
    const cp1252 = new Uint8Array(iconv.encode(`${text} ${text}`, 'windows-1252'));

    // Act
    const fromUtf16 = extractArticle(utf16, { key: 'a.txt' });
    const fromCp1252 = extractArticle(cp1252, { key: 'b.txt' });

    // Assess
    expect([fromUtf16.charset, fromUtf16.text]).toEqual(['utf-16le', text]);
    expect([fromCp1252.charset, fromCp1252.text]).toEqual(['windows-1252', `${text} ${text}`]);
  });

  it('removes related-story lists, photo and video credits and share lines but keeps the story', () => {
    // Prepare
    const text = [
      STORY,
      'Video of the raid can be watched above, courtesy of NBS .',
      'RELATED STORIES:Floods Close Two Bridges Dam Repairs Delayed Again? Divers Return To The Reservoir',
      'Share this article',
      'The firefight lasted until about 1 p.m. local time.',
      '[Featured Photo via NBS YouTube Screen Capture]',
    ].join('\n');

    // Act
    const doc = extractArticle(utf8(text), { key: 'a.txt' });

    // Assess
    expect(doc.text).toBe(`${STORY}\n\nThe firefight lasted until about 1 p.m. local time.`);
  });

  it('removes the headlines listed under a related-stories header and caption lines, up to the next prose', () => {
    // Prepare
    const prose = 'The firefight lasted until about 1 p.m. local time.';
    const question = 'Who ordered the raid?';
    const text = [
      STORY,
      'RELATED STORIES:',
      'Dam repairs delayed for a third year',
      'Is the reservoir safe?',
      prose,
      'Read more',
      question,
      'Featured Photo: Troops leave the village on Sunday. Photo courtesy of the Interior Ministry',
      'Video: residents describe the night of the raid',
    ].join('\n');

    // Act
    const doc = extractArticle(utf8(text), { key: 'a.txt' });

    // Assess: a short question is a headline only under a header; the prose line ends the list and stays.
    expect(doc.text).toBe(`${STORY}\n\n${prose}`);
    expect(extractArticle(utf8(`${STORY}\n${question}`), { key: 'b.txt' }).text).toBe(
      `${STORY}\n${question}`,
    );
  });

  it('removes bylines and timestamps but keeps prose lines that merely start like them', () => {
    // Prepare
    const prose = [
      'By Sunday, the troops had left the city.',
      'Follow the money, investigators told the court.',
      'Recommended daily doses of vitamin D were doubled.',
      'Video footage shown by local TV showed the building collapsing.',
    ];
    const text = [
      'By John Smith, Associated Press',
      'Published: 10:15 EST, 5 May 2015',
      ...prose,
      'Photo: Getty Images',
    ].join('\n');

    // Act
    const doc = extractArticle(utf8(text), { key: 'a.txt' });

    // Assess
    expect(doc.text).toBe(prose.join('\n'));
  });

  it.each(['base64', 'hex'])(
    'ignores a declared charset=%s, a transfer encoding, and reads the text in its real charset',
    (declared) => {
      // Prepare: Windows-1252 bytes (not valid UTF-8), declared with a label iconv-lite would "decode" to digits.
      const bytes = iconv.encode(`${STORY} The café’s owner said so.`, 'windows-1252');

      // Act
      const doc = extractArticle(bytes, {
        key: 'articles/cafe.txt',
        contentType: `text/plain; charset=${declared}`,
      });

      // Assess
      expect(doc.charset).not.toBe(declared);
      expect(doc.text).toContain('The café’s owner said so.');
    },
  );

  it('fails with a clear reason on input that cannot become text', () => {
    // Prepare
    const pdf = utf8('%PDF-1.7\n%âãÏÓ\n1 0 obj');
    const image = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0]);
    const nul = new Uint8Array([0x41, 0x00, 0x42, 0x00, 0x00, 0x00, 0xff, 0x13, 0x00, 0x00, 0x07, 0x00]);

    // Act
    const codes = [
      unreadableCode(() => extractArticle(new Uint8Array(0), { key: 'empty.txt' })),
      unreadableCode(() => extractArticle(pdf, { key: 'a.pdf' })),
      unreadableCode(() => extractArticle(image, { key: 'a.png', contentType: 'image/png' })),
      unreadableCode(() => extractArticle(nul, { key: 'blob' })),
      unreadableCode(() =>
        extractArticle(utf8('<html><body><script>x()</script></body></html>'), { key: 'a.html' }),
      ),
      unreadableCode(() => extractArticle(utf8('{"title": "no body"}'), { key: 'a.json' })),
      unreadableCode(() => extractArticle(utf8('{"title": '), { key: 'a.json' })),
    ];

    // Assess
    expect(codes).toEqual(['empty', 'binary', 'binary', 'binary', 'no-text', 'invalid-json', 'invalid-json']);
  });
});

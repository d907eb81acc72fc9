/** Markdown uploads: the `marked` lexer gives the block structure; only the readable text is kept. */
import { getDefaults, Lexer, Tokenizer, type Token, type Tokens } from 'marked';

export interface MarkdownArticle {
  title?: string;
  text: string;
}

/**
 * marked is quadratic in places: its inline lexer in the length of a run (a paragraph, heading or table
 * cell) full of `*`, `_` or `!` (200 KB of `*a` took 4.7 s, 100 KB of `_a` 6.5 s), and its block rules in
 * the length of a block without blank lines whose lines look like a table, an HTML block or a link
 * definition (100 KB of `a|b|c` over `|-|-|` lines: 2.4 s), as they look ahead to the block's end from
 * every line. So only the first MAX_MARKDOWN_CHARS of an upload are lexed at all, about twice the text the
 * summarizer reads (MAX_ANALYSED_CHARS), and the rest is kept as plain text, so word counts still cover the
 * whole upload; a blank line is put before any line that would take a block past MAX_BLOCK_CHARS (in prose,
 * lists and code that only splits the block in two); and inline runs are lexed in pieces of at most
 * MAX_INLINE_CHARS, cut at a space (markup spanning a cut stays as typed).
 */
const MAX_MARKDOWN_CHARS = 400_000;
const MAX_BLOCK_CHARS = 8_000;
const MAX_INLINE_CHARS = 4_000;

/**
 * marked pads every row of a table to the width of its header, so a 20,000-column header over 250,000 short
 * lines is five billion cells (590 KB took over 4 GB and aborted). Tables are laid out while the document
 * holds at most this many cells in all; a table past that is read as the lines of text it is written as.
 */
const MAX_TABLE_CELLS = 100_000;

export function extractMarkdown(markdown: string): MarkdownArticle {
  const source = markdown.replace(/^---\n[\s\S]*?\n---\n/, '').replace(/\r\n?/g, '\n');
  const cut = paragraphBoundaryBefore(source, MAX_MARKDOWN_CHARS);
  const tokens = lexBounded(withBlocksUpTo(source.slice(0, cut), MAX_BLOCK_CHARS));
  const rest = source.slice(cut).trim();
  const paragraphs: string[] = [];
  let title: string | undefined;
  const visit = (token: Token): void => {
    switch (token.type) {
      case 'heading': {
        const text = inlineText((token as Tokens.Heading).tokens);
        // The first top-level heading is the document's title, not a sentence of its body.
        if (!title && (token as Tokens.Heading).depth === 1 && paragraphs.length === 0) title = text;
        else if (text) paragraphs.push(text);
        return;
      }
      case 'paragraph':
      case 'text': {
        const text = inlineText((token as Tokens.Paragraph).tokens ?? []) || (token as Tokens.Text).text;
        if (text.trim()) paragraphs.push(collapse(text));
        return;
      }
      case 'blockquote':
        (token as Tokens.Blockquote).tokens.forEach(visit);
        return;
      case 'list':
        (token as Tokens.List).items.forEach((item) => item.tokens.forEach(visit));
        return;
      case 'table': {
        const table = token as Tokens.Table;
        for (const row of table.rows) paragraphs.push(row.map((cell) => inlineText(cell.tokens)).join(' | '));
        return;
      }
      default:
        // Code blocks, raw HTML, rules and link definitions are not prose.
        return;
    }
  };
  tokens.forEach(visit);
  if (rest) paragraphs.push(rest);
  return { text: paragraphs.filter(Boolean).join('\n\n'), ...(title ? { title } : {}) };
}

/** Where to stop lexing: the last blank line (else line break) before `limit`, so no block is cut in two. */
function paragraphBoundaryBefore(text: string, limit: number): number {
  if (text.length <= limit) return text.length;
  for (const separator of ['\n\n', '\n']) {
    const at = text.lastIndexOf(separator, limit - separator.length);
    if (at > limit / 2) return at + separator.length;
  }
  return limit;
}

/** `text` with a blank line before each line that would take a block (the lines since the last blank one) past `size`. */
function withBlocksUpTo(text: string, size: number): string {
  const lines: string[] = [];
  let block = 0;
  for (const line of text.split('\n')) {
    if (/^[ \t]*$/.test(line)) block = 0;
    else {
      if (block > 0 && block + line.length > size) {
        lines.push('');
        block = 0;
      }
      block += line.length + 1;
    }
    lines.push(line);
  }
  return lines.join('\n');
}

/** What `Lexer.lex` does (block structure, then each queued inline run), with every inline run lexed in bounded pieces. */
function lexBounded(markdown: string): Token[] {
  const lexer = new Lexer({ ...getDefaults(), tokenizer: new BoundedTableTokenizer() });
  const tokens = lexer.blockTokens(markdown, lexer.tokens);
  for (const run of lexer.inlineQueue) {
    lexer.state.inRawBlock = false;
    for (const piece of pieces(run.src, MAX_INLINE_CHARS)) lexer.inlineTokens(piece, run.tokens);
  }
  lexer.inlineQueue = [];
  return tokens;
}

/** `text` in consecutive pieces of at most `size` characters, each ending at a space or line break when one is near. */
function pieces(text: string, size: number): string[] {
  const result: string[] = [];
  let start = 0;
  while (text.length - start > size) {
    const window = text.slice(start, start + size);
    const space = Math.max(window.lastIndexOf(' '), window.lastIndexOf('\n'));
    const end = start + (space > size / 2 ? space + 1 : size);
    result.push(text.slice(start, end));
    start = end;
  }
  result.push(text.slice(start));
  return result;
}

/**
 * marked's tokenizer, but a table that would take the document past MAX_TABLE_CELLS is left to be read as
 * text, and so is every table after it. Each place that looks like a table is charged the cells it was
 * counted at, whether marked then lays it out or not, so all counting together reads at most
 * MAX_TABLE_CELLS lines plus one table's worth.
 */
class BoundedTableTokenizer extends Tokenizer {
  private cellsLeft = MAX_TABLE_CELLS;

  override table(src: string): Tokens.Table | undefined {
    const cells = tableCellsUpTo(src, this.cellsLeft);
    if (cells > this.cellsLeft) {
      this.cellsLeft = 0;
      return undefined;
    }
    this.cellsLeft -= cells;
    return super.table(src);
  }
}

const DELIMITER_ROW = /^[ \t]*[|:-][|: \t-]*$/;

/**
 * The cells of a table starting at `src`, counted before marked lays it out and only until the count passes
 * `limit`: the columns of its delimiter row times its lines up to the next blank line (marked may end it
 * sooner, so this is an upper bound). 0 when the second line is no delimiter row (bars, colons and at
 * least one dash): no table starts here.
 */
function tableCellsUpTo(src: string, limit: number): number {
  const headerEnd = src.indexOf('\n');
  if (headerEnd === -1) return 0;
  const delimiterEnd = lineEnd(src, headerEnd + 1);
  const delimiter = src.slice(headerEnd + 1, delimiterEnd);
  const columns = DELIMITER_ROW.test(delimiter) ? (delimiter.match(/-+/g)?.length ?? 0) : 0;
  if (columns === 0) return 0;
  let cells = columns;
  for (let at = delimiterEnd + 1; at < src.length && cells <= limit; cells += columns) {
    const end = lineEnd(src, at);
    if (src.slice(at, end).trim() === '') break;
    at = end + 1;
  }
  return cells;
}

function lineEnd(text: string, from: number): number {
  const end = text.indexOf('\n', from);
  return end === -1 ? text.length : end;
}

function inlineText(tokens: Token[]): string {
  let out = '';
  for (const token of tokens) {
    if (token.type === 'image' || token.type === 'html') continue;
    if (token.type === 'br') out += ' ';
    else if ('tokens' in token && Array.isArray(token.tokens) && token.tokens.length > 0)
      out += inlineText(token.tokens);
    else if ('text' in token && typeof token.text === 'string') out += unescapeEntities(token.text);
  }
  return collapse(out);
}

/** marked escapes &, <, > and quotes in text tokens; the summary wants the characters themselves. */
function unescapeEntities(text: string): string {
  return text.replace(
    /&(amp|lt|gt|quot|#39);/g,
    (_, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[name] ?? '',
  );
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

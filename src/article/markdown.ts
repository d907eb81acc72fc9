/** Markdown uploads: the `marked` lexer gives the block structure; only the readable text is kept. */
import { Lexer, type Token, type Tokens } from 'marked';

export interface MarkdownArticle {
  title?: string;
  text: string;
}

export function extractMarkdown(markdown: string): MarkdownArticle {
  const tokens = new Lexer().lex(markdown.replace(/^---\n[\s\S]*?\n---\n/, ''));
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
  return { text: paragraphs.filter(Boolean).join('\n\n'), ...(title ? { title } : {}) };
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

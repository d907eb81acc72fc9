/**
 * Article text is hostile until proven otherwise: it can carry markup, entities, control characters and
 * CR/LF. Everything that reaches an email goes through one of these.
 */

/** Collapses control characters (CR/LF included) and runs of whitespace into single spaces. */
export function plainText(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\s]+/g, ' ').trim();
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return plainText(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Shortens to at most `max` characters on a word boundary, with an ellipsis. */
export function truncate(value: string, max: number): string {
  if (value.length <= max) return value;
  const cut = value.slice(0, max - 1);
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > max / 2 ? cut.slice(0, lastSpace) : cut).trimEnd()}…`;
}

/** Only http(s) links may be rendered; a `javascript:` or `data:` URL in article input never is. */
export function safeHttpUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** Lowercased word tokens (letters and digits, any script). */
export function words(value: string): string[] {
  return value.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

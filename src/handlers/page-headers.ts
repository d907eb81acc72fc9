/**
 * Headers of every response from the public function URLs (unsubscribe, article-link). Their tokens are in
 * the URL: never leak it to another site (a redirect included), never cache or index the page.
 */
export const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Robots-Tag': 'noindex',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
};

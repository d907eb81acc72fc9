/**
 * Headers of every response from the public function URLs (unsubscribe, article-link). Their tokens are in
 * the URL: never leak it to another site (a redirect included), never cache or index the page. The pages
 * are what they say (`nosniff`) and are never framed by another site (`frame-ancestors 'none'`), so no page
 * can overlay the unsubscribe button to make someone press it.
 */
export const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Robots-Tag': 'noindex',
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
};

/**
 * The link each digest item gets: the article's own URL when it has a safe one; otherwise a link to the
 * stored original (that version, when the upload event named one), through the article-link function when
 * configured (its stated expiry is exact), or presigned now (its stated expiry is when the URL or its
 * signing credentials run out, whichever is first).
 */
import { localDateTime } from '../../digest/local-time.js';
import type { StoredSummary } from '../../digest/stored-summary.js';
import { safeHttpUrl } from '../../digest/text.js';
import type { ItemLink } from '../../digest/view.js';
import { articleLinkUrl, linkExpiry } from '../../links/article-link.js';
import type { OriginalRef } from '../../links/ports.js';
import type { DigestDeps } from './deps.js';

/** SigV4 presigned URLs are valid for at most 7 days. */
const MAX_PRESIGNED_SECONDS = 604_800;

export async function resolveLinks(
  deps: Pick<DigestDeps, 'links' | 'settings'>,
  items: StoredSummary[],
  timeZone: string,
  now: Date,
): Promise<Map<string, ItemLink>> {
  const { settings } = deps;
  const links = new Map<string, ItemLink>();
  for (const { key, summary } of items) {
    const own = safeHttpUrl(summary.source.url);
    if (own) {
      links.set(key, { url: own });
      continue;
    }
    const { bucket, key: objectKey, versionId } = summary.source;
    const original: OriginalRef = { bucket, key: objectKey, ...(versionId !== undefined && { versionId }) };
    if (settings.articleLink) {
      const expiresAt = linkExpiry(now, settings.linkExpirySeconds);
      const url = articleLinkUrl(settings.articleLink.url, settings.articleLink.secret, original, expiresAt);
      links.set(key, { url, expires: localDateTime(expiresAt, timeZone) });
      continue;
    }
    const signed = await deps.links.presign(
      original,
      Math.min(settings.linkExpirySeconds, MAX_PRESIGNED_SECONDS),
    );
    links.set(key, { url: signed.url, expires: localDateTime(signed.expiresAt, timeZone) });
  }
  return links;
}

/**
 * Links to stored originals that last as long as they say. A URL presigned when the digest is sent dies
 * with the digest function's temporary credentials (hours), so the digest instead links to the
 * article-link function with a signed token naming the object and an expiry; on each click that function
 * checks the token and redirects to a URL presigned there and then, valid for a few minutes.
 *
 * Token payload: base64url JSON `{b: bucket, k: key, v?: versionId, e: expiry in Unix seconds}`, signed with
 * the article-link key (signed-token.ts). It is not secret (it names an object the holder may read), only
 * unforgeable: nobody without the key can make a link to another object or extend one. There are no legacy
 * article-link tokens: those from before key ids were signed with the key unsubscribe keeps for its own
 * legacy links, and all of them expired within 90 days of being sent.
 */
import * as z from '../zod.js';
import { verifyWith } from './link-secrets.js';
import type { LinkSecretSource, OriginalLinks, OriginalRef } from './ports.js';
import { page } from './page.js';
import { signToken, tokenUrl, verifyToken, type LinkSecrets } from './signed-token.js';
import { escapeHtml } from '../digest/text.js';

/** How long the URL a click is redirected to stays valid: enough to start the download, no more. */
export const REDIRECT_LINK_SECONDS = 300;

const claimsSchema = z.object({
  b: z.string().check(z.minLength(1)),
  k: z.string().check(z.minLength(1)),
  v: z.optional(z.string().check(z.minLength(1))),
  e: z.number().check(z.int(), z.positive()),
});

export interface ArticleLinkClaims extends OriginalRef {
  expiresAt: Date;
}

/** The expiry is kept to the whole second the token can carry; state this one, not the one asked for. */
export function linkExpiry(from: Date, seconds: number): Date {
  return new Date(Math.floor(from.getTime() / 1000) * 1000 + seconds * 1000);
}

/** `secret`: the article-link purpose's current secret. */
export function articleLinkToken(secret: string, ref: OriginalRef, expiresAt: Date): string {
  const claims: z.infer<typeof claimsSchema> = {
    b: ref.bucket,
    k: ref.key,
    ...(ref.versionId !== undefined && { v: ref.versionId }),
    e: Math.floor(expiresAt.getTime() / 1000),
  };
  return signToken(secret, 'articleLink', Buffer.from(JSON.stringify(claims)).toString('base64url'));
}

export function articleLinkUrl(baseUrl: string, secret: string, ref: OriginalRef, expiresAt: Date): string {
  return tokenUrl(baseUrl, articleLinkToken(secret, ref, expiresAt));
}

/** What a genuine article-link token says, expired or not; undefined for anything not signed as one. */
export function readArticleLinkToken(
  secrets: LinkSecrets | string,
  token: string | undefined,
): ArticleLinkClaims | undefined {
  return claimsOf(verifyToken(secrets, 'articleLink', token));
}

function claimsOf(payload: string | undefined): ArticleLinkClaims | undefined {
  if (payload === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = claimsSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const { b, k, v, e } = parsed.data;
  return { bucket: b, key: k, ...(v !== undefined && { versionId: v }), expiresAt: new Date(e * 1000) };
}

export interface ArticleLinkRequest {
  method: string;
  token: string | undefined;
}

export type ArticleLinkOutcome = 'redirected' | 'invalid' | 'expired' | 'gone' | 'not-allowed';

export interface ArticleLinkResponse {
  status: number;
  html: string;
  /** Set on a redirect: the freshly presigned URL. */
  location?: string;
  /** For the log (never the token). */
  outcome: ArticleLinkOutcome;
  key?: string;
  versionId?: string;
}

export interface ArticleLinkDeps {
  secrets: LinkSecretSource;
  /** The only bucket and prefix this function serves; a token naming anything else is not served. */
  bucket: string;
  articlesPrefix: string;
  links: OriginalLinks;
  now: () => Date;
}

export async function handleArticleLink(
  request: ArticleLinkRequest,
  deps: ArticleLinkDeps,
): Promise<ArticleLinkResponse> {
  const method = request.method.toUpperCase();
  if (method !== 'GET' && method !== 'HEAD') {
    return {
      status: 405,
      html: page('Not allowed', 'Open the link from your digest email.'),
      outcome: 'not-allowed',
    };
  }
  const claims = claimsOf(await verifyWith(deps.secrets, 'articleLink', request.token));
  if (claims === undefined) {
    return {
      status: 403,
      html: page(
        'This link is not valid',
        'It may be incomplete or changed. Open it again from your digest email, or copy the whole link.',
      ),
      outcome: 'invalid',
    };
  }
  const named = {
    key: claims.key,
    ...(claims.versionId !== undefined && { versionId: claims.versionId }),
  };
  if (claims.expiresAt.getTime() <= deps.now().getTime()) {
    return {
      status: 410,
      html: page(
        'This link has expired',
        `This link to the original article was valid until ${utc(claims.expiresAt)}. ` +
          'Links to stored articles work for a limited time after the digest is sent: open the article ' +
          'from a more recent digest, or ask whoever runs the digest for a copy.',
      ),
      outcome: 'expired',
      ...named,
    };
  }
  const served = claims.bucket === deps.bucket && claims.key.startsWith(deps.articlesPrefix);
  const link = served ? await deps.links.presignExisting(claims, REDIRECT_LINK_SECONDS) : undefined;
  if (link === undefined) {
    return {
      status: 404,
      html: page(
        'This article is no longer available',
        'The stored original was removed after the digest was sent.',
      ),
      outcome: 'gone',
      ...named,
    };
  }
  return {
    status: 302,
    location: link.url,
    html: page(
      'Opening the article',
      'If it does not open by itself, follow this link (it works for a few minutes).',
      `<p><a href="${escapeHtml(link.url)}">Open the article</a></p>`,
    ),
    outcome: 'redirected',
    ...named,
  };
}

/** "2026-12-24 07:00 UTC": the page cannot know the reader's zone. */
function utc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

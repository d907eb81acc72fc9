/**
 * The unsubscribe endpoint's logic. RFC 8058: the mail client POSTs `List-Unsubscribe=One-Click` to the
 * URL in the header; that POST unsubscribes, and only that one: a POST with any other body (empty,
 * `foo=bar`) changes nothing and gets a 400 page saying so, with the button. A GET (a person clicking the
 * footer link, or a link scanner prefetching it) only shows a confirmation page whose button POSTs exactly
 * that body, so a scanner cannot unsubscribe anyone. Repeating either is harmless: the state is a set.
 */
import type { LinkSecretSource, UnsubscribeRecorder } from './ports.js';
import { page } from './page.js';
import { escapeHtml } from '../digest/text.js';
import { readUnsubscribeToken } from './unsubscribe-token.js';

export interface UnsubscribeRequest {
  method: string;
  token: string | undefined;
  /** The request's Content-Type header, if any. */
  contentType?: string;
  /** The request body as sent (a function URL event's body, base64-decoded when it was encoded). */
  body?: Uint8Array;
}

export type UnsubscribeOutcome = 'confirm' | 'unsubscribed' | 'not-one-click' | 'invalid' | 'not-allowed';

export interface UnsubscribeResponse {
  status: number;
  html: string;
  /** For the log (never the token). */
  outcome: UnsubscribeOutcome;
  /** Set when the token named a subscriber, for the log. */
  subscriberId?: string;
  unsubscribed?: 'now' | 'already';
}

export interface UnsubscribeDeps {
  secrets: LinkSecretSource;
  unsubscribes: UnsubscribeRecorder;
  now: () => Date;
}

/** RFC 8058 section 3.1: the one key/value pair a one-click POST carries, as in List-Unsubscribe-Post. */
const ONE_CLICK_NAME = 'List-Unsubscribe';
const ONE_CLICK_VALUE = 'One-Click';
/** Far above any form that says it (26 bytes urlencoded, a few hundred as multipart). */
const MAX_BODY_BYTES = 16 * 1024;

export async function handleUnsubscribe(
  request: UnsubscribeRequest,
  deps: UnsubscribeDeps,
): Promise<UnsubscribeResponse> {
  const method = request.method.toUpperCase();
  if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') {
    return {
      status: 405,
      html: page('Not allowed', 'Use the link in your digest email.'),
      outcome: 'not-allowed',
    };
  }
  const subscriberId = await readUnsubscribeToken(deps.secrets, request.token);
  if (subscriberId === undefined) {
    return {
      status: 400,
      html: page('This link is not valid', 'Please use the unsubscribe link from a recent digest email.'),
      outcome: 'invalid',
    };
  }
  if (method === 'POST') {
    if (!(await isOneClickRequest(request.contentType, request.body))) {
      return {
        status: 400,
        html: page(
          'You are still subscribed',
          `This request did not ask to unsubscribe (a one-click unsubscribe sends ${ONE_CLICK_NAME}=${ONE_CLICK_VALUE}), ` +
            'so nothing was changed. Press the button to stop receiving the daily digest.',
          confirmForm(request.token),
        ),
        outcome: 'not-one-click',
        subscriberId,
      };
    }
    const added = await deps.unsubscribes.add(subscriberId, deps.now());
    return {
      status: 200,
      html: page('You are unsubscribed', 'You will not receive the daily digest any more.'),
      outcome: 'unsubscribed',
      subscriberId,
      unsubscribed: added ? 'now' : 'already',
    };
  }
  return {
    status: 200,
    html: page(
      'Unsubscribe from the daily digest?',
      'Press the button to stop receiving the daily digest.',
      confirmForm(request.token),
    ),
    outcome: 'confirm',
    subscriberId,
  };
}

/**
 * Whether a POST body is the one-click request: `List-Unsubscribe=One-Click` as
 * `application/x-www-form-urlencoded` (what Gmail sends, and the confirmation button) or `multipart/form-data`
 * (what RFC 8058 recommends), also without a Content-Type (read as urlencoded) or as `text/plain` holding
 * exactly that text: a sender that says it meant it.
 */
export async function isOneClickRequest(
  contentType: string | undefined,
  body: Uint8Array | undefined,
): Promise<boolean> {
  if (body === undefined || body.length === 0 || body.length > MAX_BODY_BYTES) return false;
  const type = contentType?.trim() || 'application/x-www-form-urlencoded';
  const mediaType = type.split(';')[0]?.trim().toLowerCase();
  if (mediaType === 'text/plain') {
    return Buffer.from(body).toString('utf8').trim() === `${ONE_CLICK_NAME}=${ONE_CLICK_VALUE}`;
  }
  if (mediaType !== 'application/x-www-form-urlencoded' && mediaType !== 'multipart/form-data') return false;
  let form: FormData;
  try {
    // The platform's form parser (both encodings); the URL is never fetched.
    form = await new Request('https://unsubscribe.invalid/', {
      method: 'POST',
      headers: { 'content-type': type },
      body,
    }).formData();
  } catch {
    return false;
  }
  const values = form.getAll(ONE_CLICK_NAME);
  return values.length === 1 && typeof values[0] === 'string' && values[0].trim() === ONE_CLICK_VALUE;
}

/** The button: a form that POSTs exactly the one-click body (one named field) back to this URL. */
function confirmForm(token: string | undefined): string {
  return (
    `<form method="post" action="?token=${escapeHtml(encodeURIComponent(token ?? ''))}" enctype="application/x-www-form-urlencoded">` +
    `<input type="hidden" name="${ONE_CLICK_NAME}" value="${ONE_CLICK_VALUE}">` +
    '<button type="submit" style="font-size:16px;padding:10px 18px;">Unsubscribe</button></form>'
  );
}

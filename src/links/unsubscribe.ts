/**
 * The unsubscribe endpoint's logic. RFC 8058: the mail client POSTs `List-Unsubscribe=One-Click` to the
 * URL in the header; that POST unsubscribes. A GET (a person clicking the footer link, or a link scanner
 * prefetching it) only shows a confirmation page whose button POSTs, so a scanner cannot unsubscribe anyone.
 * Repeating either is harmless: the state is a set.
 */
import type { UnsubscribeRecorder } from './ports.js';
import { page } from './page.js';
import { escapeHtml } from '../digest/text.js';
import { verifyUnsubscribeToken } from './unsubscribe-token.js';

export interface UnsubscribeRequest {
  method: string;
  token: string | undefined;
}

export interface UnsubscribeResponse {
  status: number;
  html: string;
  /** Set when this request changed or confirmed state, for the log. */
  subscriberId?: string;
  unsubscribed?: 'now' | 'already';
}

export interface UnsubscribeDeps {
  secret: string;
  unsubscribes: UnsubscribeRecorder;
  now: () => Date;
}

export async function handleUnsubscribe(
  request: UnsubscribeRequest,
  deps: UnsubscribeDeps,
): Promise<UnsubscribeResponse> {
  const method = request.method.toUpperCase();
  if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') {
    return { status: 405, html: page('Not allowed', 'Use the link in your digest email.') };
  }
  const subscriberId = verifyUnsubscribeToken(deps.secret, request.token);
  if (subscriberId === undefined) {
    return {
      status: 400,
      html: page('This link is not valid', 'Please use the unsubscribe link from a recent digest email.'),
    };
  }
  if (method === 'POST') {
    const added = await deps.unsubscribes.add(subscriberId, deps.now());
    return {
      status: 200,
      html: page('You are unsubscribed', 'You will not receive the daily digest any more.'),
      subscriberId,
      unsubscribed: added ? 'now' : 'already',
    };
  }
  return {
    status: 200,
    html: page(
      'Unsubscribe from the daily digest?',
      'Press the button to stop receiving the daily digest.',
      `<form method="post" action="?token=${escapeHtml(encodeURIComponent(request.token ?? ''))}">` +
        '<input type="hidden" name="List-Unsubscribe" value="One-Click">' +
        '<button type="submit" style="font-size:16px;padding:10px 18px;">Unsubscribe</button></form>',
    ),
    subscriberId,
  };
}

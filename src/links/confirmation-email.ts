/**
 * The double opt-in mail: one plain subject, an HTML and a text part, the confirmation link, and what to do
 * when it was not you (nothing). No List-Unsubscribe header: it is a one-off message, not a list mail.
 */
import type { OutgoingEmail } from '../digest/email.js';
import { escapeHtml } from '../digest/text.js';
import { cadenceLabel, hourLabel } from './subscribe-pages.js';

export const CONFIRMATION_SUBJECT = 'Confirm your subscription to the daily digest';

export interface ConfirmationEmailInput {
  sender: string;
  to: string;
  confirmUrl: string;
  timeZone: string;
  hour: number;
  /** A weekly digest's weekday (`mon`..`sun`); absent: daily. */
  weekday?: string;
  confirmHours: number;
}

export function confirmationEmail(input: ConfirmationEmailInput): OutgoingEmail {
  const schedule =
    input.weekday === undefined
      ? `every day at ${hourLabel(input.hour)} (${input.timeZone})`
      : `${cadenceLabel(input.hour, input.weekday)} (${input.timeZone})`;
  const text = `Please confirm your subscription to the daily digest.

Someone, hopefully you, asked to receive the daily digest of newly summarised articles at this address, ${schedule}.

Confirm your subscription:
${input.confirmUrl}

The link works for ${input.confirmHours} hours. If you did not ask for this, ignore this message: nothing more will be sent to you.
`;
  const url = escapeHtml(input.confirmUrl);
  const html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="color-scheme" content="light dark"><title>${CONFIRMATION_SUBJECT}</title></head>
<body style="margin:0;padding:24px 12px;font-family:-apple-system,'Segoe UI',Roboto,Arial,sans-serif;font-size:16px;line-height:1.5;">
<div style="max-width:560px;margin:0 auto;">
<h1 style="font-size:22px;margin:0 0 12px;">Please confirm your subscription</h1>
<p>Someone, hopefully you, asked to receive the daily digest of newly summarised articles at this address, ${escapeHtml(schedule)}.</p>
<p style="margin:24px 0;"><a href="${url}" style="display:inline-block;background:#0b5cad;color:#ffffff;text-decoration:none;font-weight:600;padding:12px 20px;border-radius:6px;">Confirm subscription</a></p>
<p style="font-size:14px;">Or open this link: <a href="${url}" style="color:#0b5cad;word-break:break-all;">${url}</a></p>
<p style="font-size:14px;">The link works for ${input.confirmHours} hours. If you did not ask for this, ignore this message: nothing more will be sent to you.</p>
</div></body></html>`;
  return { from: input.sender, to: input.to, subject: CONFIRMATION_SUBJECT, html, text, headers: [] };
}

/**
 * The HTML of the signup, confirmation and preferences pages: server-rendered and complete without
 * JavaScript. One small script (allowed by its hash in the Content-Security-Policy, `SCRIPT_HASH`) only
 * pre-selects the browser's time zone on a fresh signup form. Every field has a visible label and its hint
 * tied to it (`aria-describedby`); errors are listed first, each linked to its field, and marked on it.
 * Colours keep at least 4.5:1 contrast in both the light and the dark scheme, and the layout is one column
 * that fits a phone.
 */
import { createHash } from 'node:crypto';
import { escapeHtml } from '../digest/text.js';

/** A form's values as the page shows them (the submitted text on a re-render, so nothing typed is lost). */
export interface FormValues {
  email: string;
  timeZone: string;
  hour: number;
  /** `daily` or `weekly` (as submitted: anything else is an error). */
  frequency: string;
  /** `mon`..`sun`: the weekday of a weekly digest (the select always has one; a daily digest ignores it). */
  weekday: string;
  topics: string;
  keywords: string;
}

export type FieldErrors = Partial<Record<keyof FormValues, string>>;

const STYLE = `
:root{color-scheme:light dark;--bg:#f4f6f8;--card:#fff;--text:#16202a;--muted:#47525e;--line:#c9d1d9;
--accent:#0b5cad;--on-accent:#fff;--error:#b3261e;--ok:#1d6b34;--focus:#f5a623}
@media (prefers-color-scheme:dark){:root{--bg:#101418;--card:#1a2027;--text:#e9eef3;--muted:#b3bdc7;
--line:#46515c;--accent:#8cc4ff;--on-accent:#0b1620;--error:#ffb4ab;--ok:#8fdba4;--focus:#f5a623}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--text);font:16px/1.5 -apple-system,'Segoe UI',Roboto,Arial,sans-serif}
main{max-width:34rem;margin:0 auto;padding:2rem 1rem 3rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:1.5rem}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 .5rem}
p{margin:.5rem 0 1rem}
.muted,.hint{color:var(--muted)}
.hint{display:block;font-size:.875rem;margin:.125rem 0 .375rem}
label,legend{display:block;font-weight:600;margin-top:1rem}
fieldset.choices{border:0;margin:0;padding:0}
label.choice{display:flex;align-items:center;gap:.5rem;font-weight:400;margin-top:.25rem;min-height:2.75rem}
label.choice input{display:inline-block;width:1.25rem;min-height:1.25rem;height:1.25rem;margin:0}
input,select{display:block;width:100%;font:inherit;color:inherit;background:var(--card);border:1px solid var(--muted);
border-radius:6px;padding:.6rem .7rem;min-height:2.75rem}
input[aria-invalid=true],select[aria-invalid=true]{border:2px solid var(--error)}
.field-error{display:block;color:var(--error);font-weight:600;font-size:.9rem;margin:.25rem 0 0}
button{font:inherit;font-weight:600;border-radius:6px;padding:.7rem 1.2rem;min-height:2.75rem;cursor:pointer;
border:2px solid var(--accent);background:var(--accent);color:var(--on-accent);margin-top:1.5rem}
button.secondary{background:transparent;color:var(--accent)}
a{color:var(--accent)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.summary{border:2px solid var(--error);border-radius:6px;padding:.75rem 1rem;margin-bottom:1rem}
.summary h2{font-size:1rem;margin:0 0 .25rem;color:var(--error)}
.summary ul{margin:0;padding-left:1.25rem}
.status{border-left:4px solid var(--ok);padding:.5rem .75rem;margin-bottom:1rem}
.status.notice{border-left-color:var(--muted)}
dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem;margin:0 0 1rem}
dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
hr{border:0;border-top:1px solid var(--line);margin:2rem 0 0}
`;

/**
 * Pre-selects the browser's time zone on a fresh signup form (`data-prefill`), adding it when this server's
 * list lacks it (an alias such as Asia/Calcutta); the server validates whatever is sent.
 */
const SCRIPT = `(function(){var s=document.getElementById('timeZone');if(!s||!s.hasAttribute('data-prefill'))return;var z;try{z=Intl.DateTimeFormat().resolvedOptions().timeZone}catch(e){return}if(!z)return;for(var i=0;i<s.options.length;i++){if(s.options[i].value===z){s.value=z;return}}var o=document.createElement('option');o.value=z;o.textContent=z;s.appendChild(o);s.value=z})();`;

/** For the Content-Security-Policy: the one script these pages may run. */
export const SCRIPT_HASH = `'sha256-${createHash('sha256').update(SCRIPT).digest('base64')}'`;

/** Every zone this runtime knows, plus UTC (which Intl lists only under its canonical Etc names). */
const TIME_ZONES = ['UTC', ...Intl.supportedValuesOf('timeZone')];

function layout(title: string, body: string, script = false): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="color-scheme" content="light dark"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main><div class="card">
${body}
</div></main>${script ? `<script>${SCRIPT}</script>` : ''}</body></html>`;
}

/** A page with a heading, a message and optional trusted markup (already escaped where it holds input). */
export function messagePage(title: string, message: string, extra = ''): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>${extra}`);
}

export const hourLabel = (hour: number) => `${String(hour).padStart(2, '0')}:00`;

const FIELD_ORDER: (keyof FormValues)[] = [
  'email',
  'timeZone',
  'hour',
  'frequency',
  'weekday',
  'topics',
  'keywords',
];

export const WEEKDAY_NAMES: Record<string, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

/** "daily at 07:00" or "weekly on Friday at 07:00". */
export function cadenceLabel(hour: number, weekday: string | undefined): string {
  return weekday === undefined
    ? `daily at ${hourLabel(hour)}`
    : `weekly on ${WEEKDAY_NAMES[weekday] ?? weekday} at ${hourLabel(hour)}`;
}

function errorSummary(errors: FieldErrors): string {
  const listed = FIELD_ORDER.flatMap((field) => {
    const message = errors[field];
    return message === undefined ? [] : [`<li><a href="#${field}">${escapeHtml(message)}</a></li>`];
  });
  if (listed.length === 0) return '';
  return `<div class="summary" role="alert" tabindex="-1" id="problems"><h2>Please correct ${listed.length === 1 ? 'this' : 'these'}</h2><ul>${listed.join('')}</ul></div>`;
}

/** `aria-describedby` and `aria-invalid` for a field with a hint, plus the error line under it. */
function described(field: keyof FormValues, errors: FieldErrors): { attributes: string; error: string } {
  const message = errors[field];
  const ids = [`${field}-hint`, ...(message === undefined ? [] : [`${field}-error`])].join(' ');
  return {
    attributes: ` aria-describedby="${ids}"${message === undefined ? '' : ' aria-invalid="true"'}`,
    error:
      message === undefined
        ? ''
        : `<span class="field-error" id="${field}-error">${escapeHtml(message)}</span>`,
  };
}

function scheduleFields(values: FormValues, errors: FieldErrors, prefillTimeZone: boolean): string {
  const zones = TIME_ZONES.includes(values.timeZone) ? TIME_ZONES : [values.timeZone, ...TIME_ZONES];
  const zone = described('timeZone', errors);
  const hour = described('hour', errors);
  const frequency = described('frequency', errors);
  const weekday = described('weekday', errors);
  const topics = described('topics', errors);
  const keywords = described('keywords', errors);
  const radio = (value: string, id: string, label: string) =>
    `<label class="choice" for="${id}"><input type="radio" id="${id}" name="frequency" value="${value}"${values.frequency === value ? ' checked' : ''}${frequency.attributes}> ${label}</label>`;
  const option = (value: string, label: string, selected: boolean) =>
    `<option value="${escapeHtml(value)}"${selected ? ' selected' : ''}>${escapeHtml(label)}</option>`;
  return `<label for="timeZone">Time zone</label>
<span class="hint" id="timeZone-hint">Your digest follows your local time. We pre-select your browser's zone; change it if it is wrong.</span>
<select id="timeZone" name="timeZone"${prefillTimeZone ? ' data-prefill' : ''}${zone.attributes}>
${zones.map((z) => option(z, z.replaceAll('_', ' '), z === values.timeZone)).join('')}
</select>${zone.error}
<label for="hour">Send hour</label>
<span class="hint" id="hour-hint">Local time. The digest goes out at the first hourly run at or after it, once a day (or once a week, on the weekday you choose below).</span>
<select id="hour" name="hour"${hour.attributes}>
${Array.from({ length: 24 }, (_, h) => option(String(h), hourLabel(h), h === values.hour)).join('')}
</select>${hour.error}
<fieldset class="choices"><legend>How often</legend>
<span class="hint" id="frequency-hint">A weekly digest covers everything since the one before.</span>
${radio('daily', 'frequency', 'Daily')}
${radio('weekly', 'frequency-weekly', 'Weekly')}
${frequency.error}</fieldset>
<label for="weekday">Weekday <span class="muted">(weekly only)</span></label>
<span class="hint" id="weekday-hint">The day your weekly digest goes out, at the send hour. Ignored for a daily digest.</span>
<select id="weekday" name="weekday"${weekday.attributes}>
${Object.entries(WEEKDAY_NAMES)
  .map(([value, label]) => option(value, label, value === values.weekday))
  .join('')}
</select>${weekday.error}
<label for="topics">Topics <span class="muted">(optional)</span></label>
<span class="hint" id="topics-hint">Comma-separated, e.g. "climate, football". Only articles tagged with one of them are included; leave empty for everything.</span>
<input id="topics" name="topics" type="text" maxlength="500" autocomplete="off" value="${escapeHtml(values.topics)}"${topics.attributes}>${topics.error}
<label for="keywords">Keywords <span class="muted">(optional)</span></label>
<span class="hint" id="keywords-hint">Comma-separated words or phrases to look for in the articles' text.</span>
<input id="keywords" name="keywords" type="text" maxlength="500" autocomplete="off" value="${escapeHtml(values.keywords)}"${keywords.attributes}>${keywords.error}`;
}

export interface SignupPageInput {
  values: FormValues;
  errors: FieldErrors;
  formToken: string;
  /** A fresh form: the script may pre-select the browser's time zone. */
  fresh: boolean;
  /** Shown above the form (e.g. "the form expired"). */
  notice?: string;
}

export function signupPage({ values, errors, formToken, fresh, notice }: SignupPageInput): string {
  const email = described('email', errors);
  return layout(
    'Subscribe to the daily digest',
    `<h1>Subscribe to the daily digest</h1>
<p class="muted">Short summaries of newly published articles, once a day or once a week, at the hour you choose. We send one email to confirm your address first, and nothing else until you confirm.</p>
${notice === undefined ? '' : `<p class="status notice" role="status">${escapeHtml(notice)}</p>`}${errorSummary(errors)}
<form method="post" action="./" novalidate>
<input type="hidden" name="formToken" value="${escapeHtml(formToken)}">
<label for="email">Email address</label>
<span class="hint" id="email-hint">Where the digest goes. We never show it to anyone.</span>
<input id="email" name="email" type="email" inputmode="email" autocomplete="email" spellcheck="false" required maxlength="254" value="${escapeHtml(values.email)}"${email.attributes}>${email.error}
${scheduleFields(values, errors, fresh)}
<div class="hp" aria-hidden="true"><label for="website">Leave this field empty</label><input id="website" name="website" type="text" tabindex="-1" autocomplete="off"></div>
<button type="submit">Subscribe</button>
</form>`,
    fresh,
  );
}

export function checkInboxPage(email: string, confirmHours: number): string {
  return messagePage(
    'Check your inbox',
    `If ${email} can receive mail, a message with a confirmation link is on its way. The link works for ${confirmHours} hours. Until you confirm, we send nothing else to this address.`,
    '<p class="muted">Nothing arrived? Look in your spam folder. You can ask for a new link in an hour.</p>',
  );
}

/**
 * SES did not take the confirmation mail. After a lost answer it may still arrive, so the page does not say
 * it never will; `back` leads to the form it came from.
 */
export function mailNotSentPage(back: { href: string; label: string }): string {
  return messagePage(
    'We could not send your confirmation email',
    'Something went wrong on our side while sending the email that confirms your address, so you are not subscribed yet. Please try again in a few minutes.',
    `<p class="muted">If the email does arrive after all, its link works.</p><p><a href="${escapeHtml(back.href)}">${escapeHtml(back.label)}</a></p>`,
  );
}

export interface ConfirmPageInput {
  email: string;
  timeZone: string;
  hour: number;
  topics: string[];
  keywords: string[];
  /** Weekly on this weekday; absent: daily. */
  weekday?: string;
}

function settingsList(settings: ConfirmPageInput): string {
  const list = (items: string[]) => (items.length === 0 ? 'all' : items.join(', '));
  return `<dl>
<dt>Address</dt><dd>${escapeHtml(settings.email)}</dd>
<dt>Time zone</dt><dd>${escapeHtml(settings.timeZone)}</dd>
<dt>Send hour</dt><dd>${hourLabel(settings.hour)}</dd>
<dt>How often</dt><dd>${settings.weekday === undefined ? 'Daily' : `Weekly, on ${escapeHtml(WEEKDAY_NAMES[settings.weekday] ?? settings.weekday)}`}</dd>
<dt>Topics</dt><dd>${escapeHtml(list(settings.topics))}</dd>
<dt>Keywords</dt><dd>${escapeHtml(settings.keywords.length === 0 ? 'none' : settings.keywords.join(', '))}</dd>
</dl>`;
}

/**
 * The page a confirmation link opens: a button confirms (a POST), so a mail scanner that fetches every link
 * in a message cannot subscribe anyone.
 */
export function confirmPage(settings: ConfirmPageInput, action: string): string {
  return layout(
    'Confirm your subscription',
    `<h1>Confirm your subscription</h1>
<p>Press the button to start receiving the daily digest with these settings.</p>
${settingsList(settings)}
<form method="post" action="${escapeHtml(action)}"><button type="submit">Confirm subscription</button></form>`,
  );
}

export function subscribedPage(settings: ConfirmPageInput, preferencesUrl: string): string {
  return layout(
    'You are subscribed',
    `<h1>You are subscribed</h1>
<p class="status" role="status">Your digest goes out ${escapeHtml(cadenceLabel(settings.hour, settings.weekday))} (${escapeHtml(settings.timeZone)}), ${settings.weekday === undefined ? 'the first one today if that time has passed' : `the first one on the next ${escapeHtml(WEEKDAY_NAMES[settings.weekday] ?? settings.weekday)} (today, if it is one and that time has passed)`} and there are new articles for you.</p>
${settingsList(settings)}
<p><a href="${escapeHtml(preferencesUrl)}">Change your preferences</a> at any time; every digest links there too.</p>`,
  );
}

export interface PreferencesPageInput {
  /** The address, partly hidden (the link may have been forwarded). */
  maskedEmail: string;
  subscribed: boolean;
  values: FormValues;
  errors: FieldErrors;
  formToken: string;
  /** The page's own URL (with its token), where both forms post. */
  action: string;
  status?: string;
}

export function preferencesPage(input: PreferencesPageInput): string {
  const { subscribed, values, errors, formToken, action } = input;
  const status =
    input.status === undefined ? '' : `<p class="status" role="status">${escapeHtml(input.status)}</p>`;
  const state = subscribed
    ? ''
    : '<p class="status notice">You are unsubscribed: no digest is sent. To subscribe again, choose your settings and we will email you a link to confirm.</p>';
  const unsubscribe = subscribed
    ? `<hr><form method="post" action="${escapeHtml(action)}">
<input type="hidden" name="formToken" value="${escapeHtml(formToken)}">
<input type="hidden" name="action" value="unsubscribe">
<p class="muted">No longer want the digest?</p>
<button type="submit" class="secondary">Unsubscribe</button></form>`
    : '';
  return layout(
    'Your digest preferences',
    `<h1>Your digest preferences</h1>
<p class="muted">For ${escapeHtml(input.maskedEmail)}. Changes apply from the next hourly run; you never get more than one digest a day (or a week, for a weekly digest).</p>
${status}${state}${errorSummary(errors)}
<form method="post" action="${escapeHtml(action)}" novalidate>
<input type="hidden" name="formToken" value="${escapeHtml(formToken)}">
<input type="hidden" name="action" value="save">
${scheduleFields(values, errors, false)}
<button type="submit">${subscribed ? 'Save preferences' : 'Subscribe again'}</button>
</form>${unsubscribe}`,
  );
}

export function unsubscribedPage(preferencesUrl: string): string {
  return messagePage(
    'You are unsubscribed',
    'You will not receive the daily digest any more.',
    `<p><a href="${escapeHtml(preferencesUrl)}">Changed your mind? Subscribe again</a></p>`,
  );
}

/** "a•••@example.com": enough to recognise one's own address, not to learn someone else's. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '•••';
  return `${email.slice(0, 1)}•••${email.slice(at)}`;
}

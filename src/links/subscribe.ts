/**
 * The subscribe function's logic: the signup page, the double opt-in confirmation and the preferences page,
 * on three paths of one function URL.
 *
 * - `GET /` shows the signup form; `POST /` checks it and sends one confirmation mail. The answer is the same
 *   page whether or not the address is subscribed already, and whether or not a mail went out (the address
 *   had one within the hour, or a bot filled the hidden field), so the form reveals nothing about anyone.
 * - `GET /confirm?token=` shows what the link would subscribe, with a button; `POST` subscribes (`put`).
 *   Confirming is a POST so that mail scanners, which fetch every link, confirm nobody. A link works once
 *   and expires; either way the page says so and how to start again.
 * - `GET /preferences?token=` (the link in every digest) shows the subscriber's schedule and filters;
 *   `POST` saves them (`put`, in force from the next hourly run) or unsubscribes (`remove`).
 *
 * Abuse limits, in the order they apply to a signup: the request's size and type; a POST from another site
 * is refused (Sec-Fetch-Site, Origin); a signed, expiring form token (CSRF); then per-source, overall and
 * per-address limits, each one conditional write. Nothing is sent to an address until it is confirmed but
 * the one confirmation mail an hour.
 *
 * A confirmation mail SES does not take (refused, throttled, unreachable, no answer) gives the address's hour
 * back and answers 503 with a page that says so and asks to try again in a few minutes (`Retry-After`); the
 * response carries the error for the handler to log and count (`SignupsFailed`).
 */
import { createHmac } from 'node:crypto';
import { isIPv6 } from 'node:net';
import * as z from '../zod.js';
import {
  frequencyOf,
  sendAtFromHour,
  subscriberId,
  WEEKDAYS,
  type Subscriber,
} from '../digest/subscribers.js';
import { timeZone as timeZoneSchema } from '../digest/time-zone.js';
import type { StoredSubscriber } from '../use-cases/manage-subscribers/ports.js';
import { confirmationEmail } from './confirmation-email.js';
import type { LinkSecretSource } from './ports.js';
import type { ConfirmationMailer, SignupLimits, Subscribers, UsedConfirmations } from './subscribe-ports.js';
import {
  cadenceLabel,
  checkInboxPage,
  confirmPage,
  hourLabel,
  mailNotSentPage,
  maskEmail,
  messagePage,
  preferencesPage,
  signupPage,
  subscribedPage,
  unsubscribedPage,
  type FieldErrors,
  type FormValues,
} from './subscribe-pages.js';
import {
  checkFormToken,
  confirmationUrl,
  formToken,
  newTokenId,
  preferencesUrl,
  readConfirmationToken,
  readPreferencesToken,
  type Confirmation,
  type FormName,
  type SignupRequest,
} from './subscribe-tokens.js';

export interface SubscribeRequest {
  method: string;
  /** The URL path: `/`, `/confirm` or `/preferences`. */
  path: string;
  token?: string;
  contentType?: string;
  body?: Uint8Array;
  /** The client's address as the function URL saw it. */
  sourceIp: string;
  /** The Sec-Fetch-Site and Origin request headers, when sent. */
  fetchSite?: string;
  origin?: string;
  /** The Host the request was sent to, to compare with Origin. */
  host?: string;
  /** The function's public URL, ending in "/": the base of the links it mails and shows. */
  baseUrl: string;
}

export type SubscribeOutcome =
  | 'signup-form'
  | 'confirmation-sent'
  | 'confirmation-failed'
  | 'address-limited'
  | 'source-limited'
  | 'busy'
  | 'honeypot'
  | 'invalid-input'
  | 'bad-form-token'
  | 'cross-site'
  | 'bad-request'
  | 'confirm-page'
  | 'confirmed'
  | 'confirm-used'
  | 'confirm-expired'
  | 'preferences-page'
  | 'preferences-saved'
  | 'unsubscribed'
  | 'invalid-link'
  | 'not-found'
  | 'not-allowed';

export interface SubscribeResponse {
  status: number;
  html: string;
  /** For the log: what happened, the subscriber id (a hash, never the address) and the source's hash. */
  outcome: SubscribeOutcome;
  subscriberId?: string;
  source?: string;
  /** Seconds to wait before trying again (the Retry-After header). */
  retryAfterSeconds?: number;
  /** Why the confirmation mail could not be sent ('confirmation-failed'), for the log. */
  error?: unknown;
}

export interface SubscribeSettings {
  sender: string;
  /** How long a confirmation link works. */
  confirmHours: number;
  maxPerSourceHour: number;
  maxPerHour: number;
  /** What a fresh form offers. */
  defaults: { timeZone: string; hour: number };
}

export interface SubscribeDeps {
  /** The subscribe secret's keys (one per purpose derive from it); `current` signs. */
  secrets: LinkSecretSource;
  subscribers: Subscribers;
  limits: SignupLimits;
  confirmations: UsedConfirmations;
  mailer: ConfirmationMailer;
  now: () => Date;
  settings: SubscribeSettings;
}

/** A form is a few hundred bytes; anything much larger is not one. */
export const MAX_BODY_BYTES = 8 * 1024;
/** A form stays usable this long after the page was shown. */
const FORM_TOKEN_HOURS = 12;
const HOUR_MS = 3_600_000;
/** A used confirmation link is remembered a day past its expiry (by then it is refused as expired). */
const USED_RECORD_EXTRA_MS = 24 * HOUR_MS;
/** "Try again in a few minutes": what a page about a confirmation mail that did not go out asks. */
export const MAIL_RETRY_AFTER_SECONDS = 300;
const MAX_FILTERS = 10;
const MAX_FILTER_LENGTH = 60;

export async function handleSubscribe(
  request: SubscribeRequest,
  deps: SubscribeDeps,
): Promise<SubscribeResponse> {
  const method = request.method.toUpperCase();
  const read = method === 'GET' || method === 'HEAD';
  if (!read && method !== 'POST') {
    return {
      status: 405,
      html: messagePage('Not allowed', 'This page takes only GET and POST.'),
      outcome: 'not-allowed',
    };
  }
  if (!read) {
    const refused = refuseForeignPost(request) ?? refuseBody(request);
    if (refused) return refused;
  }
  switch (request.path) {
    case '/':
      return read ? showSignup(deps) : signup(request, deps);
    case '/confirm':
      return confirm(request, deps, read);
    case '/preferences':
      return preferences(request, deps, read);
    default:
      return {
        status: 404,
        html: messagePage('Page not found', 'There is no page at this address.'),
        outcome: 'not-found',
      };
  }
}

// ------------------------------------------------------------------ signup

function showSignup(deps: SubscribeDeps, status = 200): SubscribeResponse {
  const { defaults } = deps.settings;
  return {
    status,
    html: signupPage({
      values: {
        email: '',
        timeZone: defaults.timeZone,
        hour: defaults.hour,
        frequency: 'daily',
        weekday: 'mon',
        topics: '',
        keywords: '',
      },
      errors: {},
      formToken: newFormToken(deps, 'signup'),
      fresh: true,
    }),
    outcome: 'signup-form',
  };
}

async function signup(request: SubscribeRequest, deps: SubscribeDeps): Promise<SubscribeResponse> {
  const now = deps.now();
  const form = formOf(request.body);
  const values = formValues(form, deps.settings.defaults);
  const again = (status: number, outcome: SubscribeOutcome, errors: FieldErrors, notice?: string) => ({
    status,
    html: signupPage({
      values,
      errors,
      formToken: newFormToken(deps, 'signup'),
      fresh: false,
      ...(notice !== undefined && { notice }),
    }),
    outcome,
  });
  const token = await checkFormToken(deps.secrets, form.get('formToken') ?? undefined, 'signup', now);
  if (token !== 'valid') {
    return again(
      400,
      'bad-form-token',
      {},
      token === 'expired'
        ? 'The form had been open a long time. Please check your details and press Subscribe again.'
        : 'The form could not be checked. Please press Subscribe again.',
    );
  }
  const { errors, signup: wanted } = validate(values, true);
  if (wanted === undefined) return again(400, 'invalid-input', errors);
  const id = subscriberId(wanted.email);
  const source = sourceKey(deps, request.sourceIp);
  const inbox = (outcome: SubscribeOutcome) => ({
    status: 200,
    html: checkInboxPage(wanted.email, deps.settings.confirmHours),
    outcome,
    subscriberId: id,
    source,
  });
  // A person never fills a field they cannot see: answer as if sent, send nothing.
  if ((form.get('website') ?? '').trim() !== '') return inbox('honeypot');
  const { settings, limits } = deps;
  if (!(await limits.takeSource(source, now, settings.maxPerSourceHour))) {
    return {
      status: 429,
      html: messagePage(
        'Too many signups',
        'Too many signups came from your network in the last hour. Please try again later.',
      ),
      retryAfterSeconds: secondsToNextHour(now),
      outcome: 'source-limited',
      subscriberId: id,
      source,
    };
  }
  if (!(await limits.takeAny(now, settings.maxPerHour))) {
    return {
      status: 503,
      html: messagePage(
        'Please try again later',
        'We are receiving very many signups. Please try again in an hour.',
      ),
      retryAfterSeconds: secondsToNextHour(now),
      outcome: 'busy',
      subscriberId: id,
      source,
    };
  }
  const mailed = await mailConfirmation(request, deps, id, wanted, now);
  if (mailed.outcome === 'confirmation-failed') {
    return {
      ...notSent(mailed.error, { href: './', label: 'Back to the signup form' }),
      subscriberId: id,
      source,
    };
  }
  return inbox(mailed.outcome);
}

type Mailed =
  { outcome: 'confirmation-sent' | 'address-limited' } | { outcome: 'confirmation-failed'; error: unknown };

/**
 * The one confirmation mail an hour per address: 'address-limited' (and nothing sent) when the address had
 * one within the hour; 'confirmation-failed' when SES did not take it.
 */
async function mailConfirmation(
  request: SubscribeRequest,
  deps: SubscribeDeps,
  id: string,
  wanted: SignupRequest,
  now: Date,
): Promise<Mailed> {
  const { settings, limits } = deps;
  if (!(await limits.takeAddress(id, now))) return { outcome: 'address-limited' };
  const confirmation: Confirmation = {
    ...wanted,
    jti: newTokenId(),
    expiresAt: new Date(now.getTime() + settings.confirmHours * HOUR_MS),
  };
  const email = confirmationEmail({
    sender: settings.sender,
    to: wanted.email,
    confirmUrl: confirmationUrl(request.baseUrl, currentSecret(deps), confirmation),
    timeZone: wanted.timeZone,
    hour: wanted.hour,
    ...(wanted.weekday !== undefined && { weekday: wanted.weekday }),
    confirmHours: settings.confirmHours,
  });
  try {
    await deps.mailer.send(email);
  } catch (error: unknown) {
    // Nothing went out (or, after a lost answer, perhaps it did): the reader may try again in minutes rather
    // than in an hour. Should giving the hour back fail too, the request fails (the Errors alarm sees it).
    await limits.releaseAddress(id, now);
    return { outcome: 'confirmation-failed', error };
  }
  return { outcome: 'confirmation-sent' };
}

/** The hourly limits count per clock hour: the next one starts afresh. */
function secondsToNextHour(now: Date): number {
  return 3600 - (Math.floor(now.getTime() / 1000) % 3600);
}

/** The answer when the confirmation mail did not go out: 503, try again in a few minutes. */
function notSent(error: unknown, back: { href: string; label: string }): SubscribeResponse {
  return {
    status: 503,
    html: mailNotSentPage(back),
    outcome: 'confirmation-failed',
    retryAfterSeconds: MAIL_RETRY_AFTER_SECONDS,
    error,
  };
}

// ------------------------------------------------------------------ confirmation

async function confirm(
  request: SubscribeRequest,
  deps: SubscribeDeps,
  read: boolean,
): Promise<SubscribeResponse> {
  const now = deps.now();
  const confirmation = await readConfirmationToken(deps.secrets, request.token);
  if (confirmation === undefined) return invalidLink('Please use the link from your confirmation email.');
  const id = subscriberId(confirmation.email);
  const startAgain = '<p><a href="./">Sign up again</a> to get a new link.</p>';
  if (confirmation.expiresAt.getTime() <= now.getTime()) {
    return {
      status: 410,
      html: messagePage(
        'This confirmation link has expired',
        `Confirmation links work for ${deps.settings.confirmHours} hours, and this one is older. You are not subscribed through it.`,
        startAgain,
      ),
      outcome: 'confirm-expired',
      subscriberId: id,
    };
  }
  const used = {
    status: 410,
    html: messagePage(
      'This confirmation link has already been used',
      'Each confirmation link works once. If you confirmed with it, you are subscribed: every digest has a link to change your preferences or unsubscribe.',
      startAgain,
    ),
    outcome: 'confirm-used' as const,
    subscriberId: id,
  };
  if (read) {
    if ((await deps.confirmations.state(confirmation.jti)) === 'used') return used;
    return {
      status: 200,
      html: confirmPage(confirmation, `?token=${encodeURIComponent(request.token ?? '')}`),
      outcome: 'confirm-page',
      subscriberId: id,
    };
  }
  const remember = new Date(confirmation.expiresAt.getTime() + USED_RECORD_EXTRA_MS);
  if (!(await deps.confirmations.take(confirmation.jti, now, remember))) return used;
  await deps.subscribers.put(subscriberOf(id, confirmation), now);
  await deps.confirmations.markUsed(confirmation.jti, now);
  return {
    status: 200,
    html: subscribedPage(confirmation, preferencesUrl(request.baseUrl, currentSecret(deps), id)),
    outcome: 'confirmed',
    subscriberId: id,
  };
}

// ------------------------------------------------------------------ preferences

async function preferences(
  request: SubscribeRequest,
  deps: SubscribeDeps,
  read: boolean,
): Promise<SubscribeResponse> {
  const id = await readPreferencesToken(deps.secrets, request.token);
  const stored = id === undefined ? undefined : await deps.subscribers.get(id);
  if (id === undefined || stored === undefined) {
    return invalidLink('Please use the "Manage preferences" link from a recent digest email.');
  }
  const action = `?token=${encodeURIComponent(request.token ?? '')}`;
  const form: FormName = { preferencesOf: id };
  const page = (
    status: number,
    outcome: SubscribeOutcome,
    current: StoredSubscriber,
    values: FormValues,
    errors: FieldErrors,
    message?: string,
  ): SubscribeResponse => ({
    status,
    html: preferencesPage({
      maskedEmail: maskEmail(current.subscriber.email),
      subscribed: current.unsubscribedAt === undefined,
      values,
      errors,
      formToken: newFormToken(deps, form),
      action,
      ...(message !== undefined && { status: message }),
    }),
    outcome,
    subscriberId: id,
  });
  const storedValues = valuesOf(stored.subscriber);
  if (read) return page(200, 'preferences-page', stored, storedValues, {});

  const now = deps.now();
  const posted = formOf(request.body);
  const token = await checkFormToken(deps.secrets, posted.get('formToken') ?? undefined, form, now);
  if (token !== 'valid') {
    return page(
      400,
      'bad-form-token',
      stored,
      storedValues,
      {},
      'The page had been open a long time, so nothing was changed. Please make your change again.',
    );
  }
  if (posted.get('action') === 'unsubscribe') {
    await deps.subscribers.remove(id, now);
    return {
      status: 200,
      html: unsubscribedPage(preferencesUrl(request.baseUrl, currentSecret(deps), id)),
      outcome: 'unsubscribed',
      subscriberId: id,
    };
  }
  const values = { ...formValues(posted, deps.settings.defaults), email: stored.subscriber.email };
  const { errors, signup: wanted } = validate(values, false);
  if (wanted === undefined) return page(400, 'invalid-input', stored, values, errors);
  if (stored.unsubscribedAt !== undefined) {
    // Back after leaving: confirmed again by mail, as a new signup is, since a digest (and so this link) may
    // have been forwarded to someone who is not the reader.
    const mailed = await mailConfirmation(
      request,
      deps,
      id,
      { ...wanted, email: stored.subscriber.email },
      now,
    );
    if (mailed.outcome === 'confirmation-failed') {
      return {
        ...notSent(mailed.error, { href: action, label: 'Back to your preferences' }),
        subscriberId: id,
      };
    }
    return {
      status: 200,
      html: checkInboxPage(maskEmail(stored.subscriber.email), deps.settings.confirmHours),
      outcome: mailed.outcome,
      subscriberId: id,
    };
  }
  const subscriber = subscriberOf(id, { ...wanted, email: stored.subscriber.email });
  await deps.subscribers.put(subscriber, now);
  return page(
    200,
    'preferences-saved',
    stored,
    valuesOf(subscriber),
    {},
    wanted.weekday === undefined
      ? `Saved. Your digest goes out at ${hourLabel(wanted.hour)} (${wanted.timeZone}) from the next hourly run, at most once a day.`
      : `Saved. Your digest goes out ${cadenceLabel(wanted.hour, wanted.weekday)} (${wanted.timeZone}) from the next hourly run, at most once a week.`,
  );
}

// ------------------------------------------------------------------ helpers

function invalidLink(message: string): SubscribeResponse {
  return { status: 400, html: messagePage('This link is not valid', message), outcome: 'invalid-link' };
}

const currentSecret = (deps: SubscribeDeps) => deps.secrets.held().current;

function newFormToken(deps: SubscribeDeps, form: FormName): string {
  return formToken(currentSecret(deps), form, new Date(deps.now().getTime() + FORM_TOKEN_HOURS * HOUR_MS));
}

/**
 * Another site's page may not post these forms: browsers say where a request comes from in Sec-Fetch-Site
 * (and Origin). Origin is "null" from these pages themselves (Referrer-Policy: no-referrer), so only another
 * real origin is refused by it.
 */
function refuseForeignPost(request: SubscribeRequest): SubscribeResponse | undefined {
  const site = request.fetchSite?.trim().toLowerCase();
  const foreignSite = site !== undefined && site !== 'same-origin' && site !== 'none';
  let foreignOrigin = false;
  if (request.origin !== undefined && request.origin !== 'null' && request.host !== undefined) {
    try {
      foreignOrigin = new URL(request.origin).host !== request.host;
    } catch {
      foreignOrigin = true;
    }
  }
  if (!foreignSite && !foreignOrigin) return undefined;
  return {
    status: 403,
    html: messagePage('Not allowed', 'This form can only be sent from its own page.'),
    outcome: 'cross-site',
  };
}

function refuseBody(request: SubscribeRequest): SubscribeResponse | undefined {
  const tooLarge = (request.body?.length ?? 0) > MAX_BODY_BYTES;
  const mediaType = (request.contentType ?? 'application/x-www-form-urlencoded')
    .split(';')[0]
    ?.trim()
    .toLowerCase();
  if (!tooLarge && mediaType === 'application/x-www-form-urlencoded') return undefined;
  return {
    status: tooLarge ? 413 : 415,
    html: messagePage('This request cannot be read', 'Please use the form on the page.'),
    outcome: 'bad-request',
  };
}

function formOf(body: Uint8Array | undefined): URLSearchParams {
  return new URLSearchParams(body === undefined ? '' : Buffer.from(body).toString('utf8'));
}

function formValues(form: URLSearchParams, defaults: SubscribeSettings['defaults']): FormValues {
  const hour = Number.parseInt(form.get('hour') ?? '', 10);
  return {
    email: (form.get('email') ?? '').trim(),
    timeZone: (form.get('timeZone') ?? defaults.timeZone).trim(),
    hour: Number.isInteger(hour) ? hour : -1,
    frequency: (form.get('frequency') ?? 'daily').trim(),
    weekday: (form.get('weekday') ?? '').trim(),
    topics: form.get('topics') ?? '',
    keywords: form.get('keywords') ?? '',
  };
}

function valuesOf(subscriber: Subscriber): FormValues {
  return {
    email: subscriber.email,
    timeZone: subscriber.timeZone,
    hour: Number.parseInt(subscriber.sendAt.slice(0, 2), 10),
    frequency: frequencyOf(subscriber),
    weekday: subscriber.weekday ?? 'mon',
    topics: subscriber.topics.join(', '),
    keywords: subscriber.keywords.join(', '),
  };
}

const emailSchema = z.string().check(z.maxLength(254), z.email());

function validate(values: FormValues, withEmail: boolean): { errors: FieldErrors; signup?: SignupRequest } {
  const errors: FieldErrors = {};
  if (withEmail && !emailSchema.safeParse(values.email).success) {
    errors.email =
      values.email === '' ? 'Enter your email address' : 'Enter an email address like name@example.com';
  }
  if (values.timeZone.length > 64 || !timeZoneSchema.safeParse(values.timeZone).success) {
    errors.timeZone = 'Choose a time zone from the list';
  }
  if (!(values.hour >= 0 && values.hour <= 23)) errors.hour = 'Choose a send hour from the list';
  if (values.frequency !== 'daily' && values.frequency !== 'weekly')
    errors.frequency = 'Choose daily or weekly';
  const weekday = WEEKDAYS.find((day) => day === values.weekday);
  // The weekday select always sends a value; it counts only for a weekly digest.
  if (values.frequency === 'weekly' && weekday === undefined) {
    errors.weekday = 'Choose the weekday of your weekly digest from the list';
  }
  const topics = filterList(values.topics);
  if (typeof topics === 'string') errors.topics = topics;
  const keywords = filterList(values.keywords);
  if (typeof keywords === 'string') errors.keywords = keywords;
  if (Object.keys(errors).length > 0 || typeof topics === 'string' || typeof keywords === 'string') {
    return { errors };
  }
  return {
    errors,
    signup: {
      email: values.email,
      timeZone: values.timeZone,
      hour: values.hour,
      topics,
      keywords,
      ...(values.frequency === 'weekly' && weekday !== undefined && { weekday }),
    },
  };
}

/** "Climate, football" -> ["climate", "football"], or what is wrong with it. */
function filterList(text: string): string[] | string {
  const items = [
    ...new Set(
      text
        .split(/[,\n]/)
        .map((item) => item.trim().replace(/\s+/g, ' ').toLowerCase())
        .filter((item) => item !== ''),
    ),
  ];
  if (items.length > MAX_FILTERS) return `Enter at most ${MAX_FILTERS}, separated by commas`;
  if (items.some((item) => item.length > MAX_FILTER_LENGTH)) {
    return `Keep each one under ${MAX_FILTER_LENGTH} characters`;
  }
  return items;
}

function subscriberOf(id: string, wanted: SignupRequest): Subscriber {
  return {
    id,
    email: wanted.email,
    timeZone: wanted.timeZone,
    sendAt: sendAtFromHour(wanted.hour),
    topics: wanted.topics,
    keywords: wanted.keywords,
    ...(wanted.weekday !== undefined && { frequency: 'weekly' as const, weekday: wanted.weekday }),
  };
}

/**
 * The source of a request as a keyed hash (an address is personal data; a plain hash of the small IPv4 space
 * is reversible): an IPv4 address, or the /64 of an IPv6 one, since one subscriber line gets a whole /64.
 */
function sourceKey(deps: SubscribeDeps, ip: string): string {
  const network = isIPv6(ip) ? ipv6Prefix64(ip) : ip;
  return createHmac('sha256', currentSecret(deps))
    .update(`signup-source:${network}`)
    .digest('base64url')
    .slice(0, 22);
}

function ipv6Prefix64(ip: string): string {
  const [head = '', tail] = ip.split('::');
  const groups = head === '' ? [] : head.split(':');
  if (tail !== undefined) {
    const rest = tail === '' ? [] : tail.split(':');
    groups.push(...Array<string>(Math.max(0, 8 - groups.length - rest.length)).fill('0'), ...rest);
  }
  return groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':');
}

/**
 * The signed tokens of the subscribe function, each under its own purpose's key (signed-token.ts):
 *
 * - **Form tokens** (`subscribeForm`): the CSRF token of the signup and preferences forms. They name the form
 *   they were made for (`signup`, or the subscriber whose preferences page it is) and expire, so a token
 *   lifted from one page neither works on another nor for ever.
 * - **Confirmation tokens** (`subscribeConfirm`): the double opt-in link. Self-contained (the address and the
 *   chosen schedule, signed), so nothing is stored for a signup nobody confirms; one-time through their id
 *   (`jti`, recorded when used) and expiring.
 * - **Preferences tokens** (`preferences`): the subscriber id, like an unsubscribe link's, and like it they
 *   do not expire: a digest kept for months still leads to its reader's settings.
 *
 * Pure: the clock comes in as `now`, randomness as `nonce`.
 */
import { randomBytes } from 'node:crypto';
import * as z from '../zod.js';
import { WEEKDAYS, type Weekday } from '../digest/subscribers.js';
import { verifyWith } from './link-secrets.js';
import type { LinkSecretSource } from './ports.js';
import { signToken, tokenUrl } from './signed-token.js';

const SUBSCRIBER_ID = /^[a-f0-9]{32}$/;
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function decode<T>(schema: z.ZodMiniType<T>, payload: string | undefined): T | undefined {
  if (payload === undefined) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** What a form token is bound to: the signup form, or one subscriber's preferences form. */
export type FormName = 'signup' | { preferencesOf: string };

const formPayload = z.object({ f: z.string(), x: z.number().check(z.int()) });

/** A form token for `form`, working until `expiresAt`. `secret`: the current subscribe secret. */
export function formToken(secret: string, form: FormName, expiresAt: Date): string {
  return signToken(secret, 'subscribeForm', encode({ f: formKey(form), x: seconds(expiresAt) }));
}

export type FormCheck = 'valid' | 'expired' | 'invalid';

export async function checkFormToken(
  secrets: LinkSecretSource,
  token: string | undefined,
  form: FormName,
  now: Date,
): Promise<FormCheck> {
  const payload = decode(formPayload, await verifyWith(secrets, 'subscribeForm', token));
  if (payload === undefined || payload.f !== formKey(form)) return 'invalid';
  return payload.x > seconds(now) ? 'valid' : 'expired';
}

const formKey = (form: FormName) => (form === 'signup' ? 'signup' : `p:${form.preferencesOf}`);

/** What a confirmation link asks to subscribe: the address and the schedule chosen on the form. */
export interface SignupRequest {
  email: string;
  timeZone: string;
  /** Local send hour, 0-23. */
  hour: number;
  topics: string[];
  keywords: string[];
  /** The weekday of a weekly digest; absent: daily. */
  weekday?: Weekday;
}

export interface Confirmation extends SignupRequest {
  /** The token's id, recorded when it is used: a link works once. */
  jti: string;
  expiresAt: Date;
}

const confirmPayload = z.object({
  j: z.string().check(z.regex(/^[A-Za-z0-9_-]{16,64}$/)),
  x: z.number().check(z.int()),
  e: z.string().check(z.minLength(3), z.maxLength(254)),
  z: z.string().check(z.minLength(1), z.maxLength(64)),
  h: z.number().check(z.int(), z.minimum(0), z.maximum(23)),
  t: z.array(z.string().check(z.maxLength(100))).check(z.maxLength(20)),
  k: z.array(z.string().check(z.maxLength(100))).check(z.maxLength(20)),
  /** Weekly on this weekday; absent (and in links mailed before weekly digests existed): daily. */
  w: z.optional(z.enum(WEEKDAYS)),
});

export function newTokenId(): string {
  return randomBytes(16).toString('base64url');
}

export function confirmationToken(secret: string, confirmation: Confirmation): string {
  return signToken(
    secret,
    'subscribeConfirm',
    encode({
      j: confirmation.jti,
      x: seconds(confirmation.expiresAt),
      e: confirmation.email,
      z: confirmation.timeZone,
      h: confirmation.hour,
      t: confirmation.topics,
      k: confirmation.keywords,
      ...(confirmation.weekday !== undefined && { w: confirmation.weekday }),
    }),
  );
}

/** The confirmation a genuine token carries (expired or not: the caller says which), else undefined. */
export async function readConfirmationToken(
  secrets: LinkSecretSource,
  token: string | undefined,
): Promise<Confirmation | undefined> {
  const payload = decode(confirmPayload, await verifyWith(secrets, 'subscribeConfirm', token));
  if (payload === undefined) return undefined;
  return {
    jti: payload.j,
    expiresAt: new Date(payload.x * 1000),
    email: payload.e,
    timeZone: payload.z,
    hour: payload.h,
    topics: payload.t,
    keywords: payload.k,
    ...(payload.w !== undefined && { weekday: payload.w }),
  };
}

export function preferencesToken(secret: string, subscriberId: string): string {
  return signToken(secret, 'preferences', subscriberId);
}

/** The subscriber id a genuine preferences token names, else undefined. */
export async function readPreferencesToken(
  secrets: LinkSecretSource,
  token: string | undefined,
): Promise<string | undefined> {
  const payload = await verifyWith(secrets, 'preferences', token);
  return payload !== undefined && SUBSCRIBER_ID.test(payload) ? payload : undefined;
}

/** The preferences page of `subscriberId` under the subscribe function's `baseUrl`. */
export function preferencesUrl(baseUrl: string, secret: string, subscriberId: string): string {
  return tokenUrl(new URL('preferences', baseUrl).href, preferencesToken(secret, subscriberId));
}

export function confirmationUrl(baseUrl: string, secret: string, confirmation: Confirmation): string {
  return tokenUrl(new URL('confirm', baseUrl).href, confirmationToken(secret, confirmation));
}

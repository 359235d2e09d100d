import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Context } from 'koa';
import { consoles } from './consoles.ts';
import type { Notice } from './notices.ts';
import type { Bilingual } from './page-errors.ts';
import { consoleCookieOptions, sessionCookieName } from './sessions.ts';

/*
 * What a refused staff form leaves for the page the browser is sent back to (post/redirect/get), beside the
 * notice at the top: which of the page's forms it was, the problem of each field at fault, and what was typed, so
 * that the page marks those fields invalid with their problem beside them, and shows them as they were. It
 * travels in a short-lived signed cookie of the console's path, read once, by the page it names. Deflated, as a
 * reason of 2000 Thai characters is 6 kB of UTF-8; what still does not fit gives way, the longest field first,
 * and the problems always fit.
 */

export interface FieldProblem extends Bilingual {
  /** The field's name in the form. */
  field: string;
}

export interface RefusedForm {
  /** Which form of the page: suspend, reject, prepare, … */
  form: string;
  problems: FieldProblem[];
  /** The fields as sent, without the CSRF token. */
  values: [string, string][];
  /** Fields whose values were not kept, as they did not fit: the page shows its own values for them. */
  dropped?: string[];
}

/** A form's answer: a notice, and for a form refused for its fields, the fields. */
export type FormOutcome = Notice & { refused?: RefusedForm };

const site = consoles.staff;
const cookieName = 'thaid_staff_form';
/** A cookie holds 4096 bytes with its name; its value is base64url text, so this counts characters. */
const maxCookieChars = 3800;
const lifetimeMs = 60_000;
/** No staff form has more fields than this, nor a typed value longer (a reason is at most 2000 characters). */
const maxValues = 200;
const maxValueLength = 4000;
/** What the cookie may inflate to: far more than fits deflated, far less than would hurt. */
const maxInflatedBytes = 64 * 1024;

/**
 * The refused form `name`, its fields as `sent` (the CSRF token and the page's version left out), as many and as
 * long as a staff form's can be: a body of many or long fields (the body may be 512 KiB) is cut to that at once.
 */
export const refusedForm = (name: string, sent: URLSearchParams, problems: FieldProblem[]): RefusedForm => ({
  form: name,
  problems,
  values: [...sent]
    .filter(([field]) => field !== '_csrf' && field !== 'seen')
    .slice(0, maxValues)
    .map(([field, value]) => [field.slice(0, 200), value.slice(0, maxValueLength)] as [string, string]),
});

/** The session a cookie of this browser belongs to, as the cookie names it: a hash, never the session id. */
function sessionOf(ctx: Context): string | undefined {
  const id = ctx.cookies.get(sessionCookieName(site), { signed: true });
  return id ? createHash('sha256').update(`staff form of ${id}`).digest('base64url').slice(0, 22) : undefined;
}

interface Kept extends RefusedForm {
  page: string;
  session: string;
  at: number;
  /** Fields whose values did not fit: the page shows its own for them. */
  dropped: string[];
}

/**
 * Leaves `refused` for `page`, for this browser's session, for a minute. What does not fit gives way a whole field
 * at a time, the longest first; the problems always fit. The fields to drop are found by halving (log n encodings),
 * not by encoding again after each.
 */
export function leaveRefusedForm(ctx: Context, page: string, refused: RefusedForm): void {
  const session = sessionOf(ctx);
  if (!session) return;
  const lengths = new Map<string, number>();
  for (const [field, value] of refused.values) lengths.set(field, (lengths.get(field) ?? 0) + field.length + value.length);
  const longestFirst = [...lengths.keys()].sort((a, b) => lengths.get(b)! - lengths.get(a)!);
  const encode = (dropCount: number) => {
    const dropped = longestFirst.slice(0, dropCount);
    const kept: Kept = { page, session, at: Date.now(), ...refused, values: refused.values.filter(([field]) => !dropped.includes(field)), dropped };
    return deflateRawSync(JSON.stringify(kept)).toString('base64url');
  };
  let fits = longestFirst.length;
  let value = encode(fits);
  if (value.length > maxCookieChars) return;
  // The fewest fields to drop for the rest to fit.
  let low = 0;
  while (low < fits) {
    const middle = Math.floor((low + fits) / 2);
    const tried = encode(middle);
    if (tried.length <= maxCookieChars) {
      fits = middle;
      value = tried;
    } else low = middle + 1;
  }
  ctx.cookies.set(cookieName, value, consoleCookieOptions(ctx, site, lifetimeMs));
}

/**
 * The refused form a post left for this page, once: only for the session that posted it, within its minute. One
 * left for another page is left alone.
 */
export function takeRefusedForm(ctx: Context): RefusedForm | undefined {
  const value = ctx.cookies.get(cookieName, { signed: true });
  if (!value) return undefined;
  try {
    const state = JSON.parse(inflateRawSync(Buffer.from(value, 'base64url'), { maxOutputLength: maxInflatedBytes }).toString('utf8')) as Kept;
    if (state.page !== ctx.path) return undefined;
    ctx.cookies.set(cookieName, null, { path: site.basePath, signed: true, overwrite: true });
    const valid =
      state.session === sessionOf(ctx) &&
      typeof state.at === 'number' &&
      Date.now() - state.at <= lifetimeMs &&
      typeof state.form === 'string' &&
      Array.isArray(state.problems) &&
      state.problems.every((p) => typeof p.field === 'string' && typeof p.th === 'string' && typeof p.en === 'string') &&
      Array.isArray(state.values) &&
      state.values.every((pair) => Array.isArray(pair) && typeof pair[0] === 'string' && typeof pair[1] === 'string') &&
      Array.isArray(state.dropped) &&
      state.dropped.every((field) => typeof field === 'string');
    return valid ? { form: state.form, problems: state.problems, values: state.values, dropped: state.dropped } : undefined;
  } catch {
    return undefined;
  }
}

import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Context } from 'koa';
import { consoles } from './consoles.ts';
import type { Notice } from './notices.ts';
import type { Bilingual } from './page-errors.ts';
import { consoleCookieOptions } from './sessions.ts';

/*
 * What a refused staff form leaves for the page the browser is sent back to (post/redirect/get), beside the
 * notice at the top: which of the page's forms it was, the problem of each field at fault, and what was typed, so
 * that the page marks those fields invalid with their problem beside them, and shows them as they were. It
 * travels in a short-lived signed cookie of the console's path, read once, by the page it names. Deflated, as a
 * reason of 2000 Thai characters is 6 kB of UTF-8; what still does not fit gives way, the longest typed value
 * first, and the problems always fit.
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
}

/** A form's answer: a notice, and for a form refused for its fields, the fields. */
export type FormOutcome = Notice & { refused?: RefusedForm };

const site = consoles.staff;
const cookieName = 'thaid_staff_form';
/** A cookie holds 4096 bytes with its name. */
const maxBytes = 3800;

/** The refused form `name`, its fields as `sent` (the CSRF token and the page's version left out). */
export const refusedForm = (name: string, sent: URLSearchParams, problems: FieldProblem[]): RefusedForm => ({
  form: name,
  problems,
  values: [...sent].filter(([field]) => field !== '_csrf' && field !== 'seen'),
});

export function leaveRefusedForm(ctx: Context, page: string, refused: RefusedForm): void {
  const values = [...refused.values];
  const encode = () => deflateRawSync(JSON.stringify({ page, ...refused, values })).toString('base64url');
  let value = encode();
  while (value.length > maxBytes && values.length > 0) {
    const longest = values.reduce((at, [, text], i) => (text.length > values[at]![1].length ? i : at), 0);
    values.splice(longest, 1);
    value = encode();
  }
  ctx.cookies.set(cookieName, value, consoleCookieOptions(ctx, site, 60_000));
}

/** The refused form a post left for this page, once; one left for another page is left alone. */
export function takeRefusedForm(ctx: Context): RefusedForm | undefined {
  const value = ctx.cookies.get(cookieName, { signed: true });
  if (!value) return undefined;
  try {
    const state = JSON.parse(inflateRawSync(Buffer.from(value, 'base64url')).toString('utf8')) as RefusedForm & { page: string };
    if (state.page !== ctx.path) return undefined;
    ctx.cookies.set(cookieName, null, { path: site.basePath, signed: true, overwrite: true });
    const valid =
      typeof state.form === 'string' &&
      Array.isArray(state.problems) &&
      state.problems.every((p) => typeof p.field === 'string' && typeof p.th === 'string' && typeof p.en === 'string') &&
      Array.isArray(state.values) &&
      state.values.every((pair) => Array.isArray(pair) && typeof pair[0] === 'string' && typeof pair[1] === 'string');
    return valid ? { form: state.form, problems: state.problems, values: state.values } : undefined;
  } catch {
    return undefined;
  }
}

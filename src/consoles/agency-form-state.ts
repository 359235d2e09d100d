import type { Context } from 'koa';
import type { FieldProblem } from './agency-form-check.ts';
import { consoles } from './consoles.ts';
import { consoleCookieOptions } from './sessions.ts';

/*
 * What a posted application form leaves for the page the browser is sent back to (post/redirect/get): the
 * problems of each field, the text typed in the fields that could not be saved, and whether it was a submission
 * (the page then also lists what the saved form still lacks). It travels in a short-lived signed cookie of the
 * portal's path and is read once, by that application's page only. A cookie holds about 4 kB, so the longest
 * typed values give way first; the problems always fit.
 */

export interface FormState {
  /** The application it is for. */
  applicationId: string;
  submitted: boolean;
  problems: FieldProblem[];
  kept: Record<string, string>;
  removedRows: string[];
}

const site = consoles.agency;
const cookieName = 'thaid_agency_form';
const maxBytes = 2800;
const maxValue = 500;

export function leaveFormState(ctx: Context, state: FormState): void {
  const kept = Object.entries(state.kept).map(([k, v]) => [k, v.slice(0, maxValue)] as [string, string]);
  const encode = () => JSON.stringify({ ...state, problems: state.problems.slice(0, 60), kept: Object.fromEntries(kept) });
  let json = encode();
  while (Buffer.byteLength(json) > maxBytes && kept.length > 0) {
    kept.sort((a, b) => Buffer.byteLength(a[1]) - Buffer.byteLength(b[1]));
    kept.pop();
    json = encode();
  }
  ctx.cookies.set(cookieName, Buffer.from(json, 'utf8').toString('base64url'), consoleCookieOptions(ctx, site, 60_000));
}

/** The state a post left for this application's page, once; another application's is left alone. */
export function takeFormState(ctx: Context, applicationId: string): FormState | undefined {
  const value = ctx.cookies.get(cookieName, { signed: true });
  if (!value) return undefined;
  try {
    const state = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as FormState;
    if (state.applicationId !== applicationId) return undefined;
    ctx.cookies.set(cookieName, null, { path: site.basePath, signed: true, overwrite: true });
    const valid =
      typeof state.submitted === 'boolean' &&
      Array.isArray(state.problems) &&
      state.problems.every((p) => typeof p.key === 'string' && typeof p.en === 'string') &&
      typeof state.kept === 'object' &&
      Array.isArray(state.removedRows);
    return valid ? state : undefined;
  } catch {
    return undefined;
  }
}

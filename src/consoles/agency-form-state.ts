import type { Context } from 'koa';
import type { FieldProblem } from './agency-form-check.ts';
import { consoles } from './consoles.ts';
import { consoleCookieOptions } from './sessions.ts';

/*
 * What a posted application form leaves for the page the browser is sent back to (post/redirect/get): the
 * problems of each field, the text typed in the fields that could not be saved, and whether it was a submission
 * (the page then also lists what the saved form still lacks). It travels in a short-lived signed cookie of the
 * portal's path and is read once, by that application's page only. A cookie holds about 4 kB, so the longest
 * typed values give way first, cut short (or, with nothing left, left out) and marked so at their field; the
 * problems always fit.
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
/** Above what any field takes (remarks, the longest, 2000 characters), so a value typed too long comes back whole when it fits. */
const maxValue = 4000;

/** The note at a field whose value did not fit whole; agency-form-labels.ts has its Thai. */
const shortenedProblem = 'was too long to bring back whole: only its beginning is shown, or none of it';

/** The first code points of `value` that take at most `bytes` bytes of UTF-8. */
function cutToBytes(value: string, bytes: number): string {
  let used = 0;
  let end = 0;
  for (const char of value) {
    used += Buffer.byteLength(char);
    if (used > bytes) break;
    end += char.length;
  }
  return value.slice(0, end);
}

/**
 * Leaves the state for the page. Values too long for the cookie are cut, the longest first, and each one cut gets a
 * note at its field; returns how many were cut, for the page's notice to say so rather than "as typed".
 */
export function leaveFormState(ctx: Context, state: FormState): { shortened: number } {
  const kept = new Map(Object.entries(state.kept));
  const shortened = new Set<string>();
  for (const [key, value] of kept) {
    if (value.length <= maxValue) continue;
    kept.set(key, [...value].slice(0, maxValue).join(''));
    shortened.add(key);
  }
  // The cut fields travel as their keys alone (takeFormState adds the note): a note each would cost more than
  // leaving out a short value frees, and a cookie over the browser's limit is dropped whole.
  const encode = () => JSON.stringify({ ...state, problems: state.problems.slice(0, 60), kept: Object.fromEntries(kept), shortened: [...shortened] });
  let json = encode();
  while (Buffer.byteLength(json) > maxBytes && kept.size > 0) {
    const [key, value] = [...kept].reduce((a, b) => (Buffer.byteLength(b[1]) > Buffer.byteLength(a[1]) ? b : a));
    if (!shortened.has(key)) {
      shortened.add(key);
      json = encode();
    }
    // Every byte of a value is at least one byte of the JSON, so cutting as many bytes as are over is enough.
    const cut = cutToBytes(value, Buffer.byteLength(value) - (Buffer.byteLength(json) - maxBytes));
    if (cut === '') kept.delete(key);
    else kept.set(key, cut);
    json = encode();
  }
  ctx.cookies.set(cookieName, Buffer.from(json, 'utf8').toString('base64url'), consoleCookieOptions(ctx, site, 60_000));
  return { shortened: shortened.size };
}

/** The state a post left for this application's page, once; another application's is left alone. */
export function takeFormState(ctx: Context, applicationId: string): FormState | undefined {
  const value = ctx.cookies.get(cookieName, { signed: true });
  if (!value) return undefined;
  try {
    const state = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as FormState & { shortened?: unknown };
    if (state.applicationId !== applicationId) return undefined;
    ctx.cookies.set(cookieName, null, { path: site.basePath, signed: true, overwrite: true });
    const shortened = state.shortened;
    const valid =
      typeof state.submitted === 'boolean' &&
      Array.isArray(state.problems) &&
      state.problems.every((p) => typeof p.key === 'string' && typeof p.en === 'string') &&
      typeof state.kept === 'object' &&
      Array.isArray(state.removedRows) &&
      Array.isArray(shortened) &&
      shortened.every((key) => typeof key === 'string');
    if (!valid) return undefined;
    const { shortened: _keys, ...rest } = state;
    return { ...rest, problems: [...state.problems, ...(shortened as string[]).map((key) => ({ key, en: shortenedProblem }))] };
  } catch {
    return undefined;
  }
}

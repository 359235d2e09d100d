import { timingSafeEqual } from 'node:crypto';
import type { ConsoleSession } from './session-queries.ts';

/**
 * Every form of the consoles carries the session's CSRF token in this hidden field (views/consoles/csrf-field.eta
 * writes it); every POST is checked against it (guards.ts, checkedForm). A page on another site cannot read the
 * token, so it cannot make a signed-in browser send a form that passes.
 */
const csrfFieldName = '_csrf';

export function csrfTokenMatches(session: ConsoleSession, form: URLSearchParams): boolean {
  const given = Buffer.from(form.get(csrfFieldName) ?? '', 'utf8');
  const expected = Buffer.from(session.csrfToken, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

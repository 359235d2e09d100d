import type { Context } from 'koa';
import type { Role } from '../staff/roles.ts';
import type { ConsoleDefinition } from './consoles.ts';
import type { ConsoleSession } from './session-queries.ts';

/** What the console's middleware learns about a request, for the pages after it. */
export interface ConsoleState {
  site: ConsoleDefinition;
  /** The live session, once sessionOf has read it; undefined when no one is signed in. */
  session: ConsoleSession | undefined;
  /** The staff roles the signed-in citizen holds right now (read from the database on every request). */
  roles: Role[];
  /** A POSTed form whose CSRF token was checked. */
  form: URLSearchParams | undefined;
}

export function consoleStateOf(ctx: Context): ConsoleState {
  const state = ctx.state.console as ConsoleState | undefined;
  if (!state) throw new Error('Console route without the console middleware');
  return state;
}

/** The signed-in session; only for routes behind requireSignIn. */
export function signedInSession(ctx: Context): ConsoleSession {
  const { session } = consoleStateOf(ctx);
  if (!session) throw new Error('Console route that needs a session has none: requireSignIn is missing');
  return session;
}

/** The checked form; only for routes behind checkedForm. */
export function checkedFormOf(ctx: Context): URLSearchParams {
  const { form } = consoleStateOf(ctx);
  if (!form) throw new Error('Console route that reads a form has none: checkedForm is missing');
  return form;
}

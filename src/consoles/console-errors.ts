import type { Middleware } from 'koa';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import type { ConsoleState } from './console-state.ts';
import type { ConsoleDefinition } from './consoles.ts';
import { ConsolePageError } from './page-errors.ts';
import { renderPage } from './pages.ts';

/**
 * The first middleware of every console route: it starts the request's console state, and answers the
 * refusals and client errors of the routes after it with a page in Thai and English, inside the console's
 * layout. Anything unexpected goes on to the application's error handler (a 500 page without details).
 */
export const consoleRoute =
  (site: ConsoleDefinition): Middleware =>
  async (ctx, next) => {
    const state: ConsoleState = { site, session: undefined, roles: [], form: undefined };
    ctx.state.console = state;
    try {
      await next();
    } catch (error) {
      const page = asPage(error);
      if (!page) throw error;
      if (page.status >= 500) ctx.state.log?.warn({ err: error }, 'console request failed');
      renderPage(ctx, 'message', { title: page.heading, heading: page.heading, explanation: page.explanation, actions: page.actions, showRequestId: true }, page.status);
    }
  };

function asPage(error: unknown): ConsolePageError | undefined {
  if (error instanceof ConsolePageError) return error;
  const problem = { th: 'ทำรายการไม่สำเร็จ', en: 'The request could not be completed' };
  if (error instanceof AppError && error.status < 500) {
    return new ConsolePageError(error.status, problem, [{ th: 'รายละเอียด (ภาษาอังกฤษ):', en: error.message }]);
  }
  if (error instanceof z.ZodError) {
    const details = error.issues.map((i) => `${i.path.join('.') || 'form'}: ${i.message}`).join('; ');
    return new ConsolePageError(400, problem, [{ th: 'รายละเอียด (ภาษาอังกฤษ):', en: details }]);
  }
  return undefined;
}

import type { Context } from 'koa';
import type { ConsoleDefinition } from './consoles.ts';
import type { Bilingual } from './page-errors.ts';
import { consoleCookieOptions } from './sessions.ts';

/** What a POST did, told on the page the browser is sent to next (post/redirect/get). */
export interface Notice extends Bilingual {
  kind: 'done' | 'problem';
}

const noticeCookieName = (site: ConsoleDefinition) => `thaid_${site.name}_notice`;

/**
 * Answers a POST with 303 to `location`, carrying `notice` to that page in a short-lived signed cookie. Every
 * form of the consoles ends here, whether the action was done or refused for a reason the person can fix.
 */
export function redirectWithNotice(ctx: Context, site: ConsoleDefinition, location: string, notice?: Notice): void {
  if (notice) {
    const value = Buffer.from(JSON.stringify(notice), 'utf8').toString('base64url');
    ctx.cookies.set(noticeCookieName(site), value, consoleCookieOptions(ctx, site, 60_000));
  }
  ctx.status = 303;
  ctx.redirect(location);
}

/** The notice a POST left for this page, if any; it is shown once. */
export function takeNotice(ctx: Context, site: ConsoleDefinition): Notice | undefined {
  const value = ctx.cookies.get(noticeCookieName(site), { signed: true });
  if (!value) return undefined;
  ctx.cookies.set(noticeCookieName(site), null, { path: site.basePath, signed: true, overwrite: true });
  try {
    const notice = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Notice;
    return (notice.kind === 'done' || notice.kind === 'problem') && typeof notice.th === 'string' && typeof notice.en === 'string' ? notice : undefined;
  } catch {
    return undefined;
  }
}

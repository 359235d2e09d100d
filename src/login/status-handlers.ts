import { PassThrough } from 'node:stream';
import type { Context } from 'koa';
import type { BrowserInteraction } from './interaction-results.ts';
import type { LoginRouteDeps } from './routes.ts';
import { formatShortCode } from './short-codes.ts';
import type { LoginTransaction } from './queries.ts';
import { currentLogin } from './transactions.ts';

const SSE_RECHECK_MS = 5000;

/** Statuses a stream waits no further after: an answer, or a code that needs a new page to be replaced. */
const final = new Set(['approved', 'denied', 'expired', 'cancelled']);

/**
 * The sign-in's status and the code it is at: a page showing another code (one tab asked for a new code, and
 * another shows the old one) draws itself again, so that its number is the one the phone offers.
 */
const statusOf = (login: LoginTransaction | undefined) =>
  login ? { status: login.status, code: formatShortCode(login.short_code) } : { status: 'pending' as const };

/** The login page's live status: polled as JSON, or streamed as server-sent events. */
export function statusHandlers(deps: LoginRouteDeps, interactionOf: (ctx: Context) => Promise<BrowserInteraction>) {
  async function poll(ctx: Context) {
    const details = await interactionOf(ctx);
    const login = await currentLogin(deps.db, details.uid);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = statusOf(login);
  }

  /** The status each time it changes, whichever server process the device reached. */
  async function stream(ctx: Context) {
    const details = await interactionOf(ctx);
    // A page needs one stream; a few allow for tabs and reconnects, and no more are held open per sign-in.
    const release = await deps.limits.hold('streamsPerSignIn', details.uid);
    const events = new PassThrough();
    let last = '';
    const send = async () => {
      const login = await currentLogin(deps.db, details.uid).catch(() => undefined);
      // A recheck or a late notice may still arrive after the answer ended the stream.
      if (events.writableEnded) return;
      const current = JSON.stringify(statusOf(login));
      if (current !== last) {
        last = current;
        events.write(`event: status\ndata: ${current}\n\n`);
      }
      if (final.has(login?.status ?? 'pending')) events.end();
    };
    const unsubscribe = deps.changes.subscribe(details.uid, () => void send());
    // NOTIFY is best effort; a periodic look at the database makes sure no change goes unseen.
    const recheck = setInterval(() => void send(), SSE_RECHECK_MS);
    // Nothing can change once the sign-in itself has expired.
    const deadline = setTimeout(() => events.end(), Math.max(0, details.exp * 1000 - Date.now()));
    const stop = () => {
      unsubscribe();
      clearInterval(recheck);
      clearTimeout(deadline);
      void release().catch(() => {});
    };
    events.on('close', stop);
    ctx.req.on('close', () => events.end());
    ctx.set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    ctx.status = 200;
    ctx.body = events;
    await send();
  }

  return { poll, stream };
}

import type { Context } from 'koa';
import * as oidc from 'openid-client';
import { isValidPid } from '../registry/pid.ts';
import { callbackUrl, type ConsoleDefinition, type ConsoleName } from './consoles.ts';
import { ConsolePageError, type PageAction } from './page-errors.ts';
import { consoleCookieOptions } from './sessions.ts';

/*
 * The consoles are relying parties of this very provider: a sign-in is the authorization code flow with PKCE
 * (S256), state and nonce, through the same login page and phone approval as any citizen's, and the code is
 * redeemed at the token endpoint over HTTP at ISSUER, as any relying party would. The state, nonce and PKCE
 * verifier wait in a short-lived signed cookie of the console's path.
 */

const flowCookieName = (site: ConsoleDefinition) => `thaid_${site.name}_sign_in`;
/** Longer than a login transaction (3 minutes) with its renewals, short enough that a stale one is useless. */
const flowLifetimeMs = 10 * 60 * 1000;

interface PendingSignIn {
  state: string;
  nonce: string;
  verifier: string;
  returnTo: string;
}

/** Who signed in, as the ID token says. */
export interface SignedInCitizen {
  pid: string;
  name: string;
  returnTo: string;
  /** The access token the code gave: it names the grant the sign-in was approved under, which the session follows. */
  accessToken: string;
}

/** A place in the console to return to after signing in: the console's own pages only, never another site. */
export function safeReturnPath(site: ConsoleDefinition, requested: unknown): string {
  if (typeof requested !== 'string' || requested.length > 2000) return site.basePath;
  const inside = requested === site.basePath || requested.startsWith(`${site.basePath}/`) || requested.startsWith(`${site.basePath}?`);
  const ownPage = !/[\\\s]/.test(requested) && !requested.includes('//') && !/\/\.\.?(\/|\?|$)/.test(requested);
  const signInItself = /^\/\w+\/(login|callback|logout)\b/.test(requested);
  return inside && ownPage && !signInItself ? requested : site.basePath;
}

const again = (site: ConsoleDefinition): PageAction => ({ href: `${site.basePath}/login`, th: 'เข้าสู่ระบบอีกครั้ง', en: 'Sign in again' });

function failure(site: ConsoleDefinition, status: number, heading: { th: string; en: string }, explanation: { th: string; en: string }) {
  return new ConsolePageError(status, heading, [explanation], [again(site)]);
}

export class ConsoleSignIn {
  readonly #issuer: string;
  readonly #configurations = new Map<ConsoleName, Promise<oidc.Configuration>>();

  constructor(issuer: string) {
    this.#issuer = issuer;
  }

  /** The provider's metadata, found by discovery at ISSUER once per console (again after a failure). */
  #configuration(site: ConsoleDefinition): Promise<oidc.Configuration> {
    let found = this.#configurations.get(site.name);
    if (!found) {
      const execute = [oidc.enableNonRepudiationChecks, ...(this.#issuer.startsWith('http:') ? [oidc.allowInsecureRequests] : [])];
      found = oidc.discovery(new URL(this.#issuer), site.clientId, undefined, oidc.None(), { execute, timeout: 10 });
      found.catch(() => this.#configurations.delete(site.name));
      this.#configurations.set(site.name, found);
    }
    return found;
  }

  async #configurationOrPage(site: ConsoleDefinition): Promise<oidc.Configuration> {
    try {
      return await this.#configuration(site);
    } catch (error) {
      throw Object.assign(
        failure(site, 502, { th: 'เข้าสู่ระบบไม่ได้ในขณะนี้', en: 'Signing in is not possible right now' }, {
          th: `ติดต่อบริการยืนยันตัวตนที่ ${this.#issuer} ไม่ได้ ลองใหม่อีกครั้งในอีกสักครู่`,
          en: `The sign-in service at ${this.#issuer} could not be reached. Try again in a moment.`,
        }),
        { cause: error },
      );
    }
  }

  /** Starts a sign-in: remembers the checks in the flow cookie and answers with the authorization request. */
  async begin(ctx: Context, site: ConsoleDefinition, returnTo: string): Promise<void> {
    const configuration = await this.#configurationOrPage(site);
    const pending: PendingSignIn = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier: oidc.randomPKCECodeVerifier(), returnTo };
    const authorization = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: callbackUrl(this.#issuer, site),
      scope: 'openid pid name',
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: 'S256',
    });
    ctx.cookies.set(flowCookieName(site), Buffer.from(JSON.stringify(pending)).toString('base64url'), consoleCookieOptions(ctx, site, flowLifetimeMs));
    ctx.set('Cache-Control', 'no-store');
    ctx.status = 303;
    ctx.redirect(authorization.href);
  }

  /**
   * Finishes a sign-in at the callback: the flow cookie's checks, the code exchanged at the token endpoint, the
   * ID token checked (signature, issuer, audience, nonce), and the citizen ID and name read from it. Every way it
   * can fail becomes a page saying what happened.
   */
  async finish(ctx: Context, site: ConsoleDefinition): Promise<SignedInCitizen> {
    const pending = this.#takePending(ctx, site);
    const error = ctx.query.error;
    if (typeof error === 'string') {
      const refused = error === 'access_denied';
      throw failure(
        site,
        400,
        refused ? { th: 'การเข้าสู่ระบบถูกปฏิเสธหรือยกเลิก', en: 'The sign-in was refused or cancelled' } : { th: 'เข้าสู่ระบบไม่สำเร็จ', en: 'The sign-in failed' },
        refused
          ? { th: 'การเข้าสู่ระบบถูกปฏิเสธในแอป ThaID หรือถูกยกเลิกที่หน้าเข้าสู่ระบบ คุณยังไม่ได้เข้าสู่ระบบ', en: 'It was refused in the ThaID app or cancelled on the sign-in page. You are not signed in.' }
          : { th: `บริการยืนยันตัวตนตอบกลับว่า ${error}`, en: `The sign-in service answered ${error}${typeof ctx.query.error_description === 'string' ? `: ${ctx.query.error_description}` : ''}.` },
      );
    }
    if (!pending) {
      throw failure(site, 400, { th: 'การเข้าสู่ระบบนี้หมดอายุแล้ว', en: 'This sign-in has expired' }, {
        th: 'การเข้าสู่ระบบนี้เริ่มไว้นานเกินไป หรือเริ่มจากเบราว์เซอร์อื่น กรุณาเริ่มใหม่',
        en: 'It was started too long ago, or in another browser. Start again.',
      });
    }
    const configuration = await this.#configurationOrPage(site);
    const currentUrl = new URL(`${callbackUrl(this.#issuer, site)}?${ctx.querystring}`);
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(configuration, currentUrl, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
    } catch (cause) {
      ctx.state.log?.warn({ err: cause, console: site.name }, 'console sign-in failed');
      const unreachable = cause instanceof TypeError;
      throw Object.assign(
        unreachable
          ? failure(site, 502, { th: 'เข้าสู่ระบบไม่ได้ในขณะนี้', en: 'Signing in is not possible right now' }, {
              th: 'ติดต่อบริการยืนยันตัวตนไม่ได้ ลองใหม่อีกครั้งในอีกสักครู่',
              en: 'The sign-in service could not be reached. Try again in a moment.',
            })
          : failure(site, 400, { th: 'เข้าสู่ระบบไม่สำเร็จ', en: 'The sign-in could not be verified' }, {
              th: 'ผลการเข้าสู่ระบบไม่ผ่านการตรวจสอบ (รหัสอาจหมดอายุหรือถูกใช้ไปแล้ว) คุณยังไม่ได้เข้าสู่ระบบ',
              en: 'Its result did not pass the checks (the code may have expired or been used already). You are not signed in.',
            }),
        { cause },
      );
    }
    const claims = tokens.claims();
    const pid = claims?.pid;
    const name = claims?.name;
    if (typeof pid !== 'string' || !isValidPid(pid) || typeof name !== 'string' || name === '') {
      throw failure(site, 400, { th: 'เข้าสู่ระบบไม่สำเร็จ', en: 'The sign-in could not be verified' }, {
        th: 'ผลการเข้าสู่ระบบไม่มีเลขประจำตัวประชาชนหรือชื่อ',
        en: 'Its ID token carries no citizen ID or name.',
      });
    }
    return { pid, name, returnTo: safeReturnPath(site, pending.returnTo), accessToken: tokens.access_token };
  }

  /** The pending sign-in of this browser, used once. */
  #takePending(ctx: Context, site: ConsoleDefinition): PendingSignIn | undefined {
    const value = ctx.cookies.get(flowCookieName(site), { signed: true });
    if (!value) return undefined;
    ctx.cookies.set(flowCookieName(site), null, { path: site.basePath, signed: true, overwrite: true });
    try {
      const pending = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as PendingSignIn;
      return typeof pending.state === 'string' && typeof pending.nonce === 'string' && typeof pending.verifier === 'string' ? pending : undefined;
    } catch {
      return undefined;
    }
  }
}

import Router from '@koa/router';
import type { Context } from 'koa';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { deviceApiPrefix } from '../devices/paths.ts';
import type { ProviderHost } from '../oidc/provider-host.ts';
import { signedRoute, signedStepRoute } from '../devices/signed-route.ts';
import { InvalidRequestError, NotFoundError } from '../errors.ts';
import { loginIdOfAppLink } from './paths.ts';
import { approveBody, loginId, scanBody } from './schemas.ts';
import { parseShortCode } from './short-codes.ts';
import { approveLogin, denyLogin, scanLogin } from './transactions.ts';

/** The sign-in a device means by what it read: the app link in the QR code, or the short code typed by hand. */
function loginReference(code: string): { id: string } | { shortCode: string } {
  if (URL.canParse(code)) {
    const id = loginIdOfAppLink(new URL(code));
    if (!id) throw new InvalidRequestError('This link is not a ThaID sign-in link.');
    return { id };
  }
  const shortCode = parseShortCode(code);
  if (!shortCode) throw new InvalidRequestError('A sign-in code has 8 letters and digits, like ABCD-2345.');
  return { shortCode };
}

function loginIdOf(ctx: Context): string {
  const id = loginId.safeParse(ctx.params.id);
  if (!id.success) throw new NotFoundError('This device has not scanned a sign-in with this id.');
  return id.data;
}

/** The device's side of a sign-in, in the device API: scan a code, then approve with the PIN or deny. */
export function loginDeviceRoutes(deps: { db: Kysely<Schema>; providers: ProviderHost }): Router {
  const { db, providers } = deps;
  const router = new Router({ prefix: deviceApiPrefix });

  router.post(
    '/logins/scan',
    signedStepRoute(db, async (_ctx, step, body) => scanLogin(db, step, loginReference(scanBody.parse(body).code))),
  );

  router.post(
    '/logins/:id/approve',
    signedStepRoute(db, async (ctx, step, body) => approveLogin(db, providers.provider, step, { id: loginIdOf(ctx), ...approveBody.parse(body) })),
  );

  router.post(
    '/logins/:id/deny',
    signedRoute(db, async (ctx, device) => denyLogin(db, providers.provider, device, loginIdOf(ctx))),
  );

  return router;
}

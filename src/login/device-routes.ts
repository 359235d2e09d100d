import Router from '@koa/router';
import type { Context } from 'koa';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { deviceApi } from '../devices/device-api.ts';
import { deviceApiPrefix } from '../devices/paths.ts';
import { signedRoute, signedStepRoute } from '../devices/signed-route.ts';
import { InvalidRequestError, NotFoundError } from '../errors.ts';
import { declareRoute } from '../http/api-routes.ts';
import type { RateLimiter } from '../http/rate-limits.ts';
import { loginIdOfAppLink } from './paths.ts';
import { approveBody, loginDenied, loginParams, loginReported, loginRequestDetails, scanBody } from './schemas.ts';
import { requireFreshQr } from './qr-links.ts';
import { parseShortCode } from './short-codes.ts';
import { approveLogin, denyLogin, reportLogin, scanLogin } from './device-answers.ts';

/** The sign-in a device means by what it read: the app link in the QR code, or the short code typed by hand. */
function loginReference(code: string): { id: string; link: URL } | { shortCode: string } {
  if (URL.canParse(code)) {
    const link = new URL(code);
    const id = loginIdOfAppLink(link);
    if (!id) throw new InvalidRequestError('This link is not a ThaID sign-in link.');
    return { id, link };
  }
  const shortCode = parseShortCode(code);
  if (!shortCode) throw new InvalidRequestError('A sign-in code has 8 letters and digits, like ABCD-2345.');
  return { shortCode };
}

function loginIdOf(ctx: Context): string {
  const params = loginParams.safeParse(ctx.params);
  if (!params.success) throw new NotFoundError('This device has not scanned a sign-in with this id.');
  return params.data.id;
}

const notScanned = 'this device has not scanned a sign-in with this id';
const endedUnanswered = 'login_expired: the sign-in expired before it was answered';
const answeredOrCancelled = 'login_already_used: the sign-in was answered already, or ended in the browser (cancelled) before it was answered';

const scan = declareRoute(deviceApi, {
  method: 'post',
  path: '/logins/scan',
  summary: 'Read a sign-in request from its QR code (app link) or short code',
  description: "The request becomes this device's to answer; a second scan of the same code is refused. The citizen is notified.",
  request: { body: scanBody },
  responses: {
    200: { description: 'The request, to show the citizen', body: loginRequestDetails },
    400: 'invalid_request: not a sign-in link or short code, or a link the server did not draw',
    403: 'relying_party_inactive (the application asking is suspended or cancelled), or device_locked (5 wrong PINs in a row; enrol again)',
    404: 'not_found: no sign-in has this short code (an app link whose MAC this server did not draw is a 400)',
    409: 'login_already_used',
    410: 'login_expired, or qr_code_expired: the QR code changes every 10 seconds, and a link read more than a change ago is refused',
    429: 'too_many_requests: more than 30 codes a minute from this device, or 120 from its network',
  },
});

const approve = declareRoute(deviceApi, {
  method: 'post',
  path: '/logins/:id/approve',
  summary: 'Approve a scanned sign-in with the number on the screen and the PIN',
  description: `The citizen first picks, of the scan's numberChoices, the number the sign-in screen shows; a wrong pick refuses
the sign-in (the relying party receives access_denied), reports it to DOPA staff and spends no PIN attempt. The
relying party receives exactly the requested data items. A wrong PIN releases nothing; after 5 wrong PINs in a row
the device is locked until the citizen enrols again, and a wrong PIN and a locked device get the same answer
(\`pin_rejected\`).`,
  request: { params: loginParams, body: approveBody },
  responses: {
    200: { description: 'Approved', body: loginRequestDetails },
    400: 'invalid_request: the PIN is not 8 digits, the number is missing, or integrity is missing',
    403: 'number_mismatch (the sign-in is refused), pin_rejected, device_integrity_failed or relying_party_inactive',
    404: `not_found: ${notScanned}`,
    409: answeredOrCancelled,
    410: endedUnanswered,
    429: 'too_many_requests: more than 10 PIN entries a minute from this device',
    503: 'temporarily_unavailable: too many PINs are being checked right now; try again after Retry-After',
  },
});

const deny = declareRoute(deviceApi, {
  method: 'post',
  path: '/logins/:id/deny',
  summary: 'Refuse a scanned sign-in; the relying party receives access_denied',
  request: { params: loginParams },
  responses: {
    200: { description: 'Refused', body: loginDenied },
    403: 'relying_party_inactive: the application asking is suspended or cancelled',
    404: `not_found: ${notScanned}`,
    409: answeredOrCancelled,
    410: endedUnanswered,
  },
});

const report = declareRoute(deviceApi, {
  method: 'post',
  path: '/logins/:id/report',
  summary: "This wasn't me: report a scanned sign-in the citizen did not start",
  description: `Only the device that scanned the sign-in may report it, once. A sign-in still waiting for the answer is refused
(the relying party receives access_denied). One already approved is refused after the fact, at any time: its grant
ends with every code, access and refresh token issued under it, and a browser that has not yet carried it on gets
access_denied. DOPA staff see the report (with the requesting browser, coarsely); the citizen's history has it.`,
  request: { params: loginParams },
  responses: {
    200: { description: 'Reported', body: loginReported },
    404: `not_found: ${notScanned}`,
    409: 'login_already_used: refused, cancelled or reported already',
    410: 'login_expired: it expired unanswered, and nothing was released',
  },
});

/**
 * The device's side of a sign-in, in the device API: scan a code, then approve with the PIN or deny; later,
 * report a sign-in the citizen did not make.
 */
export function loginDeviceRoutes(deps: { db: Kysely<Schema>; limits: RateLimiter }): Router {
  const { db, limits } = deps;
  const router = new Router({ prefix: deviceApiPrefix });

  router.post(
    scan.path,
    signedStepRoute(db, async (ctx, step, body) => {
      const reference = loginReference(scanBody.parse(body).code);
      await step.takePoint(limits, 'scansPerDevice', step.deviceId);
      await step.takePoint(limits, 'scansPerAddress', ctx.ip);
      if ('link' in reference) await requireFreshQr(db, reference.id, reference.link);
      return scanLogin(db, step, reference);
    }),
  );

  router.post(
    approve.path,
    signedStepRoute(db, async (ctx, step, body) => {
      const approval = { id: loginIdOf(ctx), ...approveBody.parse(body) };
      await step.takePoint(limits, 'pinAttemptsPerDevice', step.deviceId);
      return approveLogin(db, step, approval);
    }),
  );

  router.post(
    deny.path,
    signedRoute(db, async (ctx, device) => denyLogin(db, device, loginIdOf(ctx))),
  );

  router.post(
    report.path,
    signedRoute(db, async (ctx, device) => reportLogin(db, device, loginIdOf(ctx))),
  );

  return router;
}

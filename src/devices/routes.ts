import Router from '@koa/router';
import type { Context } from 'koa';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { InvalidRequestError, NotFoundError } from '../errors.ts';
import { parseJson, readRawBody } from '../http/json-body.ts';
import { approveLogin, denyLogin, normaliseShortCode, scanLogin } from '../login/transactions.ts';
import { listNotifications } from '../notifications/queries.ts';
import { findCitizen } from '../registry/queries.ts';
import { enrolDevice } from './enrolment.ts';
import { changePin } from './pin-change.ts';
import type { Device } from './queries.ts';
import { verifyDeviceRequest, verifyEnrolmentRequest } from './request-signature.ts';
import { approveBody, changePinBody, enrolmentBody, loginId, scanBody } from './schemas.ts';

export const deviceApiPrefix = '/device/v1';

/** A login reference from what the device read: the app link in the QR code, or the short code. */
function loginReference(code: string): { id: string } | { shortCode: string } {
  if (URL.canParse(code)) {
    const match = /\/app\/login\/([\w-]+)$/.exec(new URL(code).pathname);
    if (!match?.[1]) throw new InvalidRequestError('This link is not a ThaID sign-in link.');
    return { id: match[1] };
  }
  const shortCode = normaliseShortCode(code);
  if (!/^[A-HJ-NP-Z2-9]{8}$/.test(shortCode)) throw new InvalidRequestError('A sign-in code has 8 letters and digits, like ABCD-2345.');
  return { shortCode };
}

function loginIdOf(ctx: Context): string {
  const id = loginId.safeParse(ctx.params.id);
  if (!id.success) throw new NotFoundError('This device has not scanned a sign-in with this id.');
  return id.data;
}

/** The device API: JSON, every request signed by the device's own key (see request-signature.ts). */
export function deviceRoutes(deps: { db: Kysely<Schema> }): Router {
  const { db } = deps;
  const router = new Router({ prefix: deviceApiPrefix });

  const facts = async (ctx: Context) => ({
    authorization: ctx.get('authorization'),
    method: ctx.method,
    path: ctx.originalUrl,
    body: await readRawBody(ctx),
  });

  /** Verifies the signature, then hands the route its device and parsed body. */
  const signed =
    (handler: (ctx: Context, device: Device, body: unknown) => Promise<unknown>) =>
    async (ctx: Context) => {
      const request = await facts(ctx);
      const device = await verifyDeviceRequest(db, request);
      ctx.body = await handler(ctx, device, parseJson(request.body));
    };

  router.post('/enrolments', async (ctx) => {
    const request = await facts(ctx);
    const { publicJwk } = await verifyEnrolmentRequest(db, request);
    const body = enrolmentBody.parse(parseJson(request.body));
    const enrolment = await enrolDevice(db, { ...body, publicJwk });
    ctx.status = 201;
    ctx.body = enrolment;
  });

  router.get(
    '/me',
    signed(async (_ctx, device) => {
      const citizen = await findCitizen(db, device.pid);
      return { deviceId: device.id, name: device.name, enrolledAt: device.enrolled_at, method: device.enrolment_method, citizen };
    }),
  );

  router.post(
    '/pin',
    signed(async (_ctx, device, body) => {
      const { currentPin, newPin } = changePinBody.parse(body);
      await changePin(db, device, currentPin, newPin);
      return { changed: true };
    }),
  );

  router.post(
    '/logins/scan',
    signed(async (_ctx, device, body) => scanLogin(db, device, loginReference(scanBody.parse(body).code))),
  );

  router.post(
    '/logins/:id/approve',
    signed(async (ctx, device, body) => approveLogin(db, device, { id: loginIdOf(ctx), ...approveBody.parse(body) })),
  );

  router.post(
    '/logins/:id/deny',
    signed(async (ctx, device) => denyLogin(db, device, loginIdOf(ctx))),
  );

  router.get(
    '/notifications',
    signed(async (_ctx, device) => ({
      notifications: (await listNotifications(db, device.id)).map((n) => ({
        id: n.id,
        kind: n.kind,
        th: n.message_th,
        en: n.message_en,
        details: n.details,
        createdAt: n.created_at,
      })),
    })),
  );

  return router;
}

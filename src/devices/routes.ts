import Router from '@koa/router';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { parseJson } from '../http/json-body.ts';
import { listNotifications } from '../notifications/queries.ts';
import { findCitizen } from '../registry/queries.ts';
import { enrolDevice } from './enrolment.ts';
import { deviceApiPrefix } from './paths.ts';
import { changePin } from './pin-change.ts';
import { verifyEnrolmentRequest } from './request-signature.ts';
import { changePinBody, enrolmentBody } from './schemas.ts';
import { requestFacts, signedRoute } from './signed-route.ts';

/**
 * The device API: JSON, every request signed by the device's own key (see request-signature.ts). These are the
 * device's own routes; answering a sign-in is the login area's (login/device-routes.ts).
 */
export function deviceRoutes(deps: { db: Kysely<Schema> }): Router {
  const { db } = deps;
  const router = new Router({ prefix: deviceApiPrefix });

  router.post('/enrolments', async (ctx) => {
    const request = await requestFacts(ctx);
    const { publicJwk } = await verifyEnrolmentRequest(db, request);
    const body = enrolmentBody.parse(parseJson(request.body));
    const enrolment = await enrolDevice(db, { ...body, publicJwk });
    ctx.status = 201;
    ctx.body = enrolment;
  });

  router.get(
    '/me',
    signedRoute(db, async (_ctx, device) => {
      const citizen = await findCitizen(db, device.pid);
      return { deviceId: device.id, name: device.name, enrolledAt: device.enrolled_at, method: device.enrolment_method, citizen };
    }),
  );

  router.post(
    '/pin',
    signedRoute(db, async (_ctx, device, body) => {
      const { currentPin, newPin } = changePinBody.parse(body);
      await changePin(db, device, currentPin, newPin);
      return { changed: true };
    }),
  );

  router.get(
    '/notifications',
    signedRoute(db, async (_ctx, device) => ({
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

import Router from '@koa/router';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { NotFoundError } from '../errors.ts';
import { declareRoute } from '../http/api-routes.ts';
import type { RateLimiter } from '../http/rate-limits.ts';
import { parseJson } from '../http/json-body.ts';
import { noQuery } from '../http/query-schemas.ts';
import { listNotifications } from '../notifications/queries.ts';
import { lifetimes } from '../oidc/lifetimes.ts';
import { findCitizen } from '../registry/queries.ts';
import { connectedServices, withdrawConsent } from './connected-services.ts';
import { deviceApi } from './device-api.ts';
import { removeDevice } from './device-removal.ts';
import { enrolDevice } from './enrolment.ts';
import { deviceApiPrefix } from './paths.ts';
import { changePin } from './pin-change.ts';
import { MAX_FAILED_PIN_ATTEMPTS } from './queries.ts';
import { verifyEnrolmentRequest } from './request-signature.ts';
import {
  changePinBody,
  connectedServiceList,
  connectedServiceParams,
  deviceRecord,
  deviceRemoved,
  enrolmentBody,
  enrolmentResult,
  notificationList,
  pinChanged,
  serviceWithdrawn,
} from './schemas.ts';
import { requestFacts, signedRoute } from './signed-route.ts';

const enrol = declareRoute(deviceApi, {
  method: 'post',
  path: '/enrolments',
  summary: "Enrol this device for a citizen (revokes the citizen's previous device at once)",
  description: `Self-service enrolment proves identity with the citizen ID, the laser code on the back of the ID card and the
date of birth, and a face sample that must match the civil registry's photo (a match score of at least 80%).
Failures are counted per citizen ID and per address: after the third in a row the next attempt waits a minute,
after the fourth five minutes, and after the fifth self-service enrolment of that citizen ID is paused for a day
(429 with Retry-After); ten failures in a row from one address (an IPv6 address counts as its /64) pause it for an
hour. An enrolment (an office one too) ends the row of its citizen ID and its address, and so does a whole pause
passing after the last failure's wait ended. The citizen's current phone is told of every failed attempt with their card details. Enrolment at a registration office uses the one-time code an officer issued
(\`thaid-emulator enrolment-code --pid PID\`). The PIN is set here. A phone whose integrity check reports it
rooted or jailbroken is refused. The request is signed with the new key, sent in the header as \`jwk\`.`,
  request: { body: enrolmentBody },
  responses: {
    201: { description: 'Enrolled', body: enrolmentResult },
    400: 'invalid_request: a field is missing or the PIN is weak',
    401: 'invalid_signature, stale_request or replayed_request',
    403: 'identity_not_verified, face_not_matched, invalid_enrolment_code or device_integrity_failed',
    429: 'enrolment_paused: too many failed self-service enrolments for this citizen ID or from this address; too_many_requests: more than 5 self-service enrolments an hour for one citizen ID whose card data were checked (not those refused before, for the PIN, the face sample or a wait), or 30 enrolments from one network',
  },
});

const me = declareRoute(deviceApi, {
  method: 'get',
  path: '/me',
  summary: "This device and its citizen's registry record",
  description: `With \`pinAttemptsLeft\`, the wrong PINs the device may still enter before it locks, for the phone to show after a
wrong one: an approval's \`pin_rejected\` does not say.`,
  request: { query: noQuery },
  responses: {
    200: { description: 'The device and its citizen', body: deviceRecord },
    400: 'invalid_request: a query parameter was sent; this address takes none',
  },
});

const pinChange = declareRoute(deviceApi, {
  method: 'post',
  path: '/pin',
  summary: 'Change the PIN with the current one',
  request: { body: changePinBody },
  responses: {
    200: { description: 'Changed', body: pinChanged },
    400: 'invalid_request: a PIN is not 8 digits, or the new one is weak or the same as the current one',
    403: 'pin_rejected',
    429: 'too_many_requests: more than 10 PIN entries a minute from this device',
    503: 'temporarily_unavailable: too many PINs are being checked right now; try again after Retry-After',
  },
});

const removal = declareRoute(deviceApi, {
  method: 'delete',
  path: '/me',
  summary: 'Remove ThaID from this phone: it stops being the citizen\'s device at once',
  description: `As when a new enrolment replaces it, in one transaction: the device's requests are refused from this answer on
(401 device_revoked), the sign-ins it scanned and has not answered are cancelled, and every grant it approved ends
with its codes and tokens. The removal is an event of the citizen's history (\`device_removed\`), which the phone
they enrol next shows. The phone forgets its key itself.`,
  responses: { 200: { description: 'Removed', body: deviceRemoved } },
});

const notifications = declareRoute(deviceApi, {
  method: 'get',
  path: '/notifications',
  summary:
    "The citizen's inbox, newest first, whichever of their devices each notice went to (every data request, approvals, a device being replaced, a failed enrolment, a second device scanning a sign-in)",
  request: { query: noQuery },
  responses: {
    200: { description: 'The 50 newest notifications', body: notificationList },
    400: 'invalid_request: a query parameter was sent (the inbox is not paged or filtered); this address takes none',
  },
});

const services = declareRoute(deviceApi, {
  method: 'get',
  path: '/connected-services',
  summary: 'The systems the citizen has consented to: each agency system holding a live grant of theirs, with the data items granted',
  description: `Each approved sign-in grants its system the data items the citizen approved, for ${lifetimes.Grant / 86400} days; the list shows every
system with a grant that has not expired (enrolling a new phone ends them all). A system DOPA has since suspended or
cancelled is listed too (\`active: false\`): its tokens no longer work, but the citizen may still withdraw.`,
  request: { query: noQuery },
  responses: {
    200: { description: "The citizen's connected services", body: connectedServiceList },
    400: 'invalid_request: a query parameter was sent; this address takes none',
  },
});

const withdraw = declareRoute(deviceApi, {
  method: 'delete',
  path: '/connected-services/:clientId',
  summary: 'Withdraw consent from a system: every grant of the citizen to it ends, with every code and token issued under them',
  description: `All at once, in one transaction: the system's access tokens are refused at userinfo (401) and its refresh tokens at
the token endpoint (invalid_grant) from this answer on. The withdrawal is an event of the citizen's history
(\`consent_withdrawn\`, naming the system and the data items, never their values). A sign-in to the system this
device approved in the last 10 minutes whose browser has not yet come back for its code ends too: that browser
gets access_denied. Data already released stays released; the system has the citizen's data again only if they
approve another sign-in.`,
  request: { params: connectedServiceParams },
  responses: {
    200: { description: 'Withdrawn', body: serviceWithdrawn },
    404: 'not_found: the citizen has no live grant with this system (none given, expired, or already withdrawn) and this phone approved no sign-in to it in the last 10 minutes whose browser has not come back yet, or no system has such a client id',
  },
});

/** The client id a withdrawal names; one no system could have names none of the citizen's. */
function clientIdOf(params: unknown): string {
  const parsed = withdraw.request.params.safeParse(params);
  if (!parsed.success) {
    throw new NotFoundError('No system has this client id: client ids are 1 to 200 visible ASCII characters, as the list of connected services gives them.');
  }
  return parsed.data.clientId;
}

/**
 * The device API: JSON, every request signed by the device's own key (see request-signature.ts). These are the
 * device's own routes; answering a sign-in is the login area's (login/device-routes.ts).
 */
export function deviceRoutes(deps: { db: Kysely<Schema>; limits: RateLimiter }): Router {
  const { db, limits } = deps;
  const router = new Router({ prefix: deviceApiPrefix });

  router.post(enrol.path, async (ctx) => {
    const request = await requestFacts(ctx);
    const { publicJwk } = await verifyEnrolmentRequest(db, request);
    const body = enrol.request.body.parse(parseJson(request.body));
    await limits.take('enrolmentsPerAddress', ctx.ip);
    // The citizen ID's enrolments are counted by enrolDevice, only once the card data are checked.
    const enrolment = await enrolDevice(db, limits, { ...body, publicJwk, clientAddress: ctx.ip });
    ctx.status = 201;
    ctx.body = enrolment;
  });

  router.get(
    me.path,
    signedRoute(db, async (ctx, device) => {
      me.request.query.parse(ctx.query);
      const citizen = await findCitizen(db, device.pid);
      return {
        deviceId: device.id,
        name: device.name,
        enrolledAt: device.enrolled_at,
        method: device.enrolment_method,
        // The counter stops one past the limit (takeOnePinAttempt).
        pinAttemptsLeft: Math.max(0, MAX_FAILED_PIN_ATTEMPTS - device.failed_pin_attempts),
        citizen,
      };
    }),
  );

  router.post(
    pinChange.path,
    signedRoute(db, async (_ctx, device, body) => {
      const { currentPin, newPin } = pinChange.request.body.parse(body);
      await limits.take('pinAttemptsPerDevice', device.id);
      await changePin(db, device, currentPin, newPin);
      return { changed: true };
    }),
  );

  router.delete(
    removal.path,
    signedRoute(db, async (_ctx, device) => removeDevice(db, device)),
  );

  router.get(
    notifications.path,
    signedRoute(db, async (ctx, device) => {
      notifications.request.query.parse(ctx.query);
      return {
        notifications: (await listNotifications(db, device.pid)).map((n) => ({
          // A bigserial: PostgreSQL's driver reads it as a string, the embedded database as a number.
          id: String(n.id),
          kind: n.kind,
          th: n.message_th,
          en: n.message_en,
          details: n.details,
          createdAt: n.created_at,
        })),
      };
    }),
  );

  router.get(
    services.path,
    signedRoute(db, async (ctx, device) => {
      services.request.query.parse(ctx.query);
      return { services: await connectedServices(db, device.pid) };
    }),
  );

  router.delete(
    withdraw.path,
    signedRoute(db, async (ctx, device) => withdrawConsent(db, device, clientIdOf(ctx.params))),
  );

  return router;
}

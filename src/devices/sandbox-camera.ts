import Router from '@koa/router';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Schema } from '../db/schema.ts';
import { NotFoundError } from '../errors.ts';
import { declareRoute } from '../http/api-routes.ts';
import { parseJson } from '../http/json-body.ts';
import type { RateLimiter } from '../http/rate-limits.ts';
import { registryFaceOf } from '../registry/face-key.ts';
import { encodeFace, sampleOf, strangerFace } from '../registry/faces.ts';
import { demoPersonas } from '../registry/personas.ts';
import { citizenIdDocumentation } from '../registry/citizen-schema.ts';
import { deviceApi } from './device-api.ts';
import { deviceApiPrefix } from './paths.ts';
import { verifyEnrolmentRequest } from './request-signature.ts';
import { requestFacts } from './signed-route.ts';

/*
 * The sandbox's camera for the phone app's self-service enrolment. A real phone films the citizen and the face
 * service compares the film with the registry's photo; here the registry's "photo" is a secret template, so no
 * browser can film a face that matches it. The sandbox camera stands in for the citizen before the lens, for the
 * demo personas only: their card data are published in the README, they are everyone's test people, and a face
 * check that nobody could pass with them would leave the app untestable. Every other citizen's face stays
 * secret: their phones enrol with a registration-office code (or the CLI, which holds the admin token).
 */

const demoPids = new Set(demoPersonas.map((persona) => persona.pid));

const sandboxCameraBody = z.object({
  pid: z.string().regex(/^\d{13}$/, 'must be 13 digits').meta(citizenIdDocumentation),
  face: z.enum(['pass', 'fail']).meta({ description: "pass: the citizen's own face before the camera; fail: someone else's" }),
});

const sandboxCameraSample = z.object({
  faceSample: z.string().meta({ description: 'the sample to send with the self-service enrolment (proof.faceSample)' }),
});

const capture = declareRoute(deviceApi, {
  method: 'post',
  path: '/sandbox-camera',
  summary: 'The sandbox camera: a face sample for self-service enrolment of a demo persona',
  description: `Stands in for the phone's camera during self-service enrolment. With \`face: pass\` it answers a camera-like
sample of a demo persona's registry face, which passes the face match; with \`face: fail\` someone else's face,
for any citizen ID. Other citizens' faces are not given out: their phones enrol with a registration-office code.
Signed like an enrolment, with the new key in the header.`,
  request: { body: sandboxCameraBody },
  responses: {
    200: { description: 'A face sample', body: sandboxCameraSample },
    400: 'invalid_request: the body is not a citizen ID and pass or fail',
    401: 'invalid_signature, stale_request or replayed_request',
    404: "not_found: the sandbox camera films only the demo personas' faces; enrol this citizen with a registration-office code",
    429: 'too_many_requests: more than 30 captures an hour from this network',
  },
});

export function sandboxCameraRoutes(deps: { db: Kysely<Schema>; limits: RateLimiter }): Router {
  const router = new Router({ prefix: deviceApiPrefix });
  router.post(capture.path, async (ctx) => {
    const request = await requestFacts(ctx);
    await verifyEnrolmentRequest(deps.db, request);
    const { pid, face } = capture.request.body.parse(parseJson(request.body));
    await deps.limits.take('faceCapturesPerAddress', ctx.ip);
    if (face === 'fail') {
      ctx.body = { faceSample: encodeFace(sampleOf(strangerFace())) };
      return;
    }
    if (!demoPids.has(pid)) {
      throw new NotFoundError(
        "The sandbox camera films only the demo personas' faces. Enrol this citizen with a registration-office code (thaid-emulator enrolment-code --pid PID).",
      );
    }
    ctx.body = { faceSample: encodeFace(sampleOf(await registryFaceOf(deps.db, pid))) };
  });
  return router;
}

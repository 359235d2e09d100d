import { z } from 'zod';
import { notificationKinds } from '../notifications/kinds.ts';
import { citizenIdDocumentation, citizenRecord } from '../registry/citizen-schema.ts';
import { isValidPid } from '../registry/pid.ts';
import { integrityVerdicts } from './integrity.ts';
import { decodeFace, FACE_DIMENSIONS, FACE_SAMPLE_LENGTH } from '../registry/faces.ts';
import { lifetimes } from '../oidc/lifetimes.ts';
import { MAX_FAILED_PIN_ATTEMPTS } from './queries.ts';

export const pin = z
  .string()
  .regex(/^\d{8}$/, 'must be exactly 8 digits')
  .meta({ id: 'Pin', description: 'exactly 8 digits; not one digit repeated, not a run, not the birth date' });
export const integrity = z
  .enum(integrityVerdicts, { error: `must be one of ${integrityVerdicts.join(', ')}` })
  .meta({ id: 'Integrity', description: "the phone's own integrity verdict" });

export const enrolmentBody = z.object({
  name: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^\P{Cc}*$/u, 'must not contain control characters')
    // The generator writes a regex with flags as '^…$/u'; a JSON Schema pattern is the source alone.
    .meta({ pattern: '^\\P{Cc}*$', description: 'no control characters', example: "Somchai's phone" })
    .default('ThaID device'),
  pin,
  integrity,
  proof: z.discriminatedUnion('method', [
    z.object({
      method: z.literal('self'),
      pid: z
        .string()
        .refine(isValidPid, 'is not a valid 13-digit citizen ID')
        .meta(citizenIdDocumentation),
      laserCode: z
        .string()
        .regex(/^[A-Za-z]{2}\d{1}-?\d{7}-?\d{2}$/, 'must look like JT0-1234567-89')
        .meta({ example: 'JC1234567890' }),
      birthdate: z.iso.date('must be a date as YYYY-MM-DD').meta({ example: '1988-05-14' }),
      faceSample: z
        .string()
        .regex(/^[\w-]+$/, 'must be base64url')
        .length(FACE_SAMPLE_LENGTH, `must be ${FACE_SAMPLE_LENGTH} characters: ${FACE_DIMENSIONS} float32 numbers`)
        // Checked here, before any attempt is counted or any card data looked at: a malformed sample is refused
        // the same way whatever the card data, so the answer does not confirm them.
        .refine((text) => decodeFace(text) !== undefined, `must be ${FACE_DIMENSIONS} finite float32 numbers, not all zero`)
        .meta({
          description: `the camera's face sample: ${FACE_DIMENSIONS} little-endian float32 numbers in base64url, compared 1:1 with the registry's photo (FVS)`,
        }),
    }),
    z.object({
      method: z.literal('office'),
      enrolmentCode: z.string().trim().min(1).max(32).meta({ description: 'the one-time code an officer issued', example: 'ABCDE-FGH23' }),
    }),
  ]),
});

export const changePinBody = z.object({ currentPin: pin, newPin: pin });

export const deviceRemoved = z.object({ removed: z.literal(true) });

const deviceId = z.string().meta({ description: "the device's id: the kid of its signed requests" });

export const enrolmentResult = z.object({
  deviceId,
  pid: z.string(),
  replacedDeviceId: z.string().optional().meta({ description: "the citizen's previous device, revoked by this enrolment" }),
  faceMatch: z
    .object({ score: z.number().int().min(0).max(100), threshold: z.number().int() })
    .optional()
    .meta({ description: "self-service only: the face's match score against the registry photo, in percent, and the pass mark" }),
});

export const deviceRecord = z.object({
  deviceId,
  name: z.string(),
  enrolledAt: z.iso.datetime(),
  method: z.enum(['self', 'office']).meta({ description: 'self-service, or at a registration office' }),
  pinAttemptsLeft: z
    .number()
    .int()
    .min(0)
    .max(MAX_FAILED_PIN_ATTEMPTS)
    .meta({
      description: `wrong PINs this device may still enter before it locks: ${MAX_FAILED_PIN_ATTEMPTS} after a right PIN or a PIN change, 0 once locked (then the citizen enrols again). The phone shows it after a wrong PIN. Only the device itself learns it, by its own signed request; it says nothing more of a locked device than its own scans do (device_locked).`,
    }),
  citizen: citizenRecord,
});

export const pinChanged = z.object({ changed: z.literal(true) });

export const notificationList = z.object({
  notifications: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(notificationKinds),
      th: z.string(),
      en: z.string(),
      details: z.record(z.string(), z.unknown()),
      createdAt: z.iso.datetime(),
    }),
  ),
});

/** Client ids are visible ASCII (base64url for the systems DOPA registers); anything else names no system. */
export const connectedServiceParams = z.object({
  clientId: z
    .string()
    .regex(/^[\x21-\x7e]{1,200}$/)
    .meta({ description: "the system's client id, as the list gives it", example: 'thaid-demo-client' }),
});

export const connectedServiceList = z.object({
  services: z
    .array(
      z
        .object({
          clientId: z.string().meta({ description: "the system's OIDC client id: withdraw with it" }),
          agency: z.object({ th: z.string(), en: z.string() }).meta({ description: 'the agency the system belongs to, in Thai and English' }),
          system: z.string().meta({ description: "the agency's system, by its name" }),
          purpose: z.string().meta({ description: 'what the system was approved for' }),
          active: z.boolean().meta({
            description:
              'false when DOPA has suspended or cancelled the system or its agency: its tokens no longer work, but what the citizen granted stays listed until it expires or is withdrawn',
          }),
          dataItems: z
            .array(z.object({ scope: z.string(), th: z.string(), en: z.string() }))
            .meta({ description: "the data items granted, by every live grant together, labelled as the scan's dataItems are (the sign-in itself, openid, is not one)" }),
          firstGrantedAt: z.iso.datetime().meta({ description: "when the oldest of the system's live grants was given" }),
          lastGrantedAt: z.iso.datetime().meta({ description: 'when the newest was given: the last approved sign-in' }),
          grants: z.number().int().min(1).meta({ description: `live grants: one per approved sign-in, each for ${lifetimes.Grant / 86400} days` }),
        })
        .meta({ id: 'ConnectedService' }),
    )
    .meta({ description: 'most recently granted first' }),
});

export const serviceWithdrawn = z.object({
  clientId: z.string(),
  withdrawn: z.literal(true),
  grantsEnded: z.number().int().min(1).meta({ description: 'the live grants ended, with every code and token issued under them, and the grants of sign-ins approved in the last 10 minutes whose browsers had not stored them yet' }),
});

import { z } from 'zod';
import { citizenIdDocumentation, citizenRecord } from '../registry/citizen-schema.ts';
import { isValidPid } from '../registry/pid.ts';
import { integrityVerdicts } from './integrity.ts';
import { FACE_DIMENSIONS, FACE_SAMPLE_LENGTH } from '../registry/faces.ts';

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
  citizen: citizenRecord,
});

export const pinChanged = z.object({ changed: z.literal(true) });

export const notificationList = z.object({
  notifications: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(['data_request', 'login_approved', 'device_replaced', 'enrolment_failed', 'second_scan']),
      th: z.string(),
      en: z.string(),
      details: z.record(z.string(), z.unknown()),
      createdAt: z.iso.datetime(),
    }),
  ),
});

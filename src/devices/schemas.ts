import { z } from 'zod';
import { isValidPid } from '../registry/pid.ts';
import { integrityVerdicts } from './integrity.ts';

export const pin = z.string().regex(/^\d{8}$/, 'must be exactly 8 digits');
export const integrity = z.enum(integrityVerdicts, { error: `must be one of ${integrityVerdicts.join(', ')}` });

export const enrolmentBody = z.object({
  name: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^\P{Cc}*$/u, 'must not contain control characters')
    .default('ThaID device'),
  pin,
  integrity,
  proof: z.discriminatedUnion('method', [
    z.object({
      method: z.literal('self'),
      pid: z.string().refine(isValidPid, 'is not a valid 13-digit citizen ID'),
      laserCode: z.string().regex(/^[A-Za-z]{2}\d{1}-?\d{7}-?\d{2}$/, 'must look like JT0-1234567-89'),
      birthdate: z.iso.date('must be a date as YYYY-MM-DD'),
    }),
    z.object({ method: z.literal('office'), enrolmentCode: z.string().trim().min(1).max(32) }),
  ]),
});

export const changePinBody = z.object({ currentPin: pin, newPin: pin });

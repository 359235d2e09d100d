import { z } from 'zod';
import { citizenIdDocumentation } from '../registry/citizen-schema.ts';

const MAX_TEXT = 20_000;

/** Has at least one letter of the Thai script. */
const hasThai = (text: string) => /[\u0E01-\u0E4E]/.test(text);

export const conditionsTextsBody = z.object({
  textTh: z
    .string({ error: 'is required: the conditions in Thai' })
    .trim()
    .min(1, 'must not be empty: the conditions in Thai')
    .max(MAX_TEXT, `must be at most ${MAX_TEXT} characters`)
    .refine(hasThai, 'has no Thai letters: is this the English text? The Thai text comes first')
    .meta({ description: 'the conditions in Thai' }),
  textEn: z
    .string({ error: 'is required: the conditions in English' })
    .trim()
    .min(1, 'must not be empty: the conditions in English')
    .max(MAX_TEXT, `must be at most ${MAX_TEXT} characters`)
    .refine((text) => /[A-Za-z]/.test(text), 'has no Latin letters: the English text goes here')
    .meta({ description: 'the conditions in English' }),
});

export const conditionsVersionBody = z.object({
  version: z.number().int().meta({ description: 'the version number, from 1; the highest is in force' }),
  textTh: z.string(),
  textEn: z.string(),
  publishedAt: z.iso.datetime(),
  publishedBy: z.string().meta({ description: 'admin_token, migration (version 1), or the citizen ID of the member of staff who published it' }),
});
export type ConditionsVersionBody = z.infer<typeof conditionsVersionBody>;

const acceptanceBody = z.object({
  agencyId: z.string(),
  agencyNameTh: z.string(),
  agencyNameEn: z.string(),
  version: z.number().int(),
  acceptedBy: z.string().meta({ ...citizenIdDocumentation, description: "the citizen ID of the agency's administrator who accepted" }),
  acceptedAt: z.iso.datetime(),
});

const pendingAgencyBody = z.object({
  agencyId: z.string(),
  nameTh: z.string(),
  nameEn: z.string(),
  createdAt: z.iso.datetime(),
  lastAcceptedVersion: z.number().int().nullable().meta({ description: 'the newest version it accepted; null if it never accepted any' }),
});

export const conditionsOverviewBody = z.object({
  current: conditionsVersionBody.meta({ description: 'the version in force' }),
  acceptances: z.array(acceptanceBody).meta({ description: 'who accepted which version when, every version, newest first' }),
  pending: z.array(pendingAgencyBody).meta({ description: 'active agencies that have not accepted the current version, oldest first; DOPA itself, which publishes them, is never listed' }),
});
export type ConditionsOverviewBody = z.infer<typeof conditionsOverviewBody>;

import { z } from 'zod';
import { pageSize, strictQuery } from '../http/query-schemas.ts';
import { controlCharactersRefused, isLinesOfText, isOneLine } from '../http/typed-text.ts';
import { idTokenAlg, redirectUri, wireProfile } from '../agencies/system-fields.ts';
import { citizenRecord, pidParam } from '../registry/citizen-schema.ts';
import { claimScopes } from '../oidc/scopes.ts';
import { maxGraceSeconds, parseGrace } from '../agencies/secret-rotation.ts';

/** As the application form asks: a list that names something twice is a slip worth pointing out. */
const listsEachOnce = (values: string[]) => new Set(values).size === values.length;

const scopeList = z
  .array(z.string())
  .transform((scopes) => scopes.filter((s) => s !== 'openid'))
  .refine((scopes) => scopes.every((s) => claimScopes.includes(s)), {
    message: `every scope must be openid or one of: ${claimScopes.join(', ')}`,
  })
  .refine(listsEachOnce, { message: 'names a data item twice: list each once' })
  .meta({ description: `data items the system is approved for: openid (always granted) and ${claimScopes.join(', ')}` });

export const createRelyingPartyBody = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(200).refine(isOneLine, controlCharactersRefused).meta({ description: "the agency's name in Thai, or its only name" }),
  nameEn: z.string().trim().min(1).max(200).refine(isOneLine, controlCharactersRefused).optional().meta({ description: "the agency's name in English; name when absent" }),
  systemName: z.string().trim().min(1).max(200).refine(isOneLine, controlCharactersRefused).optional(),
  purpose: z.string().trim().min(1).max(500).refine(isLinesOfText, controlCharactersRefused).optional().meta({ description: 'what the sign-in is for, shown to the citizen' }),
  redirectUris: z.array(redirectUri).min(1, 'at least one redirect URI is needed').refine(listsEachOnce, { message: 'names a redirect URI twice: list each once' }),
  scopes: scopeList,
  publicClient: z.boolean().optional().meta({ description: 'a single-page or native app: no secret, PKCE required' }),
  profile: wireProfile.optional(),
  idTokenAlg: idTokenAlg.optional(),
});

export const relyingPartyCredentials = z.object({
  agencyId: z.string(),
  clientId: z.string(),
  clientSecret: z.string().optional().meta({ description: 'shown once, only its hash is kept; absent for a public client' }),
  apiKey: z.string().meta({ description: 'shown once; requests may carry it in x-imauth-apikey (or x-api-key)' }),
  redirectUris: z.array(z.string()),
  scopes: z.array(z.string()),
  profile: wireProfile,
  idTokenAlg,
  applicationId: z.string().meta({ description: 'the application the sandbox registration made, prepared and approved' }),
  letterNumber: z.string().meta({ description: 'the permission letter that answers it', example: 'DOPA-DID-2569-0001' }),
});

export const citizenListQuery = strictQuery({
  limit: pageSize(1000, 20).meta({ description: 'citizens on the page' }),
  after: z
    .string()
    .regex(/^\d{13}$/, 'must be a 13-digit citizen ID')
    .optional()
    .meta({ description: 'the last citizen ID of the previous page: the page continues after it' }),
});

export const citizenPage = z.object({
  total: z.number().int().meta({ description: 'citizens in the registry' }),
  citizens: z.array(citizenRecord),
});

export const faceTemplate = z.object({
  pid: z.string(),
  template: z.string().meta({ description: 'the face template: 128 little-endian float32 numbers, base64url (see src/registry/faces.ts)' }),
});

export const enrolmentCodeBody = z.object({ pid: pidParam });

export const enrolmentCode = z.object({
  code: z.string().meta({ description: 'one-time, for enrolment at a registration office', example: 'ABCDE-FGH23' }),
  expiresAt: z.iso.datetime(),
});

export const keyRotation = z.object({
  added: z.array(z.string()).meta({ description: 'the key ids of the new keys, one per algorithm' }),
  retiredKeysPublishedUntil: z.iso.datetime().meta({ description: 'the old keys stay in the JWKS until then' }),
});

const tooLong = `is longer than 7 days (${maxGraceSeconds} seconds), the most a replaced secret may keep working: choose a shorter grace`;

export const systemParams = z.object({ clientId: z.string().min(1).meta({ description: "the system's client_id" }) });

export const rotateSecretBody = z
  .object({
    grace: z
      .string()
      .refine((value) => parseGrace(value) !== undefined, { message: 'must be a duration such as 0, 90s, 30m, 12h or 2d', abort: true })
      .refine((value) => parseGrace(value)! <= maxGraceSeconds, tooLong)
      .optional()
      .meta({ description: 'how long the previous secret keeps working: 0, or a number with s, m, h or d (at most 7d; 1d by default)', example: '12h' }),
    graceSeconds: z
      .number()
      .int('must be a whole number of seconds')
      .min(0, 'must not be negative')
      .max(maxGraceSeconds, tooLong)
      .optional()
      .meta({ description: 'the same in seconds (0 to 604800), instead of grace' }),
  })
  .refine((body) => body.grace === undefined || body.graceSeconds === undefined, 'send grace or graceSeconds, not both');

export const secretRotation = z.object({
  clientId: z.string(),
  clientSecret: z.string().meta({ description: 'the new secret, shown once: only its hash is kept' }),
  previousSecretExpiresAt: z.iso.datetime().meta({ description: 'the previous secret is accepted until then' }),
});

export const apiKeyIssue = z.object({
  clientId: z.string(),
  apiKey: z.string().meta({ description: 'the new API key, shown once: only its hash is kept; send it as x-imauth-apikey' }),
  replacedKey: z.boolean().meta({ description: 'whether the system had a key before; that key stopped working at once' }),
});

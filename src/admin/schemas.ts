import { z } from 'zod';
import { isValidPid } from '../registry/pid.ts';
import { claimScopes } from '../oidc/scopes.ts';

const redirectUri = z
  .string()
  .refine((value) => URL.canParse(value), {
    message: 'must be an absolute URL such as http://localhost:8080/callback',
    abort: true,
  })
  .refine((value) => ['http:', 'https:'].includes(new URL(value).protocol), 'must use http or https')
  .refine((value) => !new URL(value).hash, 'must not contain a fragment (#)');

const scopeList = z
  .array(z.string())
  .transform((scopes) => scopes.filter((s) => s !== 'openid'))
  .refine((scopes) => scopes.every((s) => claimScopes.includes(s)), {
    message: `every scope must be openid or one of: ${claimScopes.join(', ')}`,
  });

export const createRelyingPartyBody = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(200),
  nameEn: z.string().trim().min(1).max(200).optional(),
  systemName: z.string().trim().min(1).max(200).optional(),
  purpose: z.string().trim().min(1).max(500).optional(),
  redirectUris: z.array(redirectUri).min(1, 'at least one redirect URI is needed'),
  scopes: scopeList,
  publicClient: z.boolean().optional(),
  profile: z.enum(['thaid', 'strict'], { message: 'must be thaid (as the real service behaves) or strict (as the standards are written)' }).optional(),
  idTokenAlg: z.enum(['RS256', 'ES256'], { message: 'must be RS256 or ES256' }).optional(),
});

export const citizenListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(20),
  after: z.string().regex(/^\d{13}$/, 'must be a 13-digit citizen ID').optional(),
});

export const pidParam = z.string().refine(isValidPid, 'is not a valid 13-digit citizen ID (check digit included)');

export const enrolmentCodeBody = z.object({ pid: pidParam });

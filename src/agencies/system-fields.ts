import { z } from 'zod';

/*
 * The fields of a relying-party system that every way of making or changing one checks the same: the admin API's
 * sandbox shortcut, an agency's application and staff's preparation of its approval.
 */

const isLoopback = (hostname: string) => hostname === 'localhost' || hostname.endsWith('.localhost') || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);

export const redirectUri = z
  .string()
  .refine((value) => URL.canParse(value), {
    message: 'must be an absolute URL such as https://service.example.go.th/callback',
    abort: true,
  })
  .refine((value) => ['http:', 'https:'].includes(new URL(value).protocol), { message: 'must use https (or http on this computer: localhost, 127.0.0.1 or [::1])', abort: true })
  // A code sent over plain http can be read on the way; only a relying party on the same computer may use it.
  .refine((value) => new URL(value).protocol === 'https:' || isLoopback(new URL(value).hostname), {
    message: 'must use https; http is allowed only on this computer (localhost, 127.0.0.1 or [::1]), for development',
  })
  .refine((value) => !new URL(value).hash, 'must not contain a fragment (#)')
  .meta({ description: 'an absolute https URL without a fragment; http only for localhost, 127.0.0.1 or [::1]', example: 'https://service.example.go.th/callback' });

export const wireProfile = z
  .enum(['thaid', 'strict'], { message: 'must be thaid (as the real service behaves) or strict (as the standards are written)' })
  .meta({ description: 'thaid (the default) behaves as the real service does; strict as the standards are written' });
export const idTokenAlg = z.enum(['RS256', 'ES256'], { message: 'must be RS256 or ES256' }).meta({ description: 'how its ID tokens are signed; RS256 by default' });

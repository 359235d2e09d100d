import { z } from 'zod';
import { integrity, pin } from '../devices/schemas.ts';

/** The QR code's app link, or the short code typed by hand. */
export const scanBody = z.object({
  code: z.string().trim().min(1).max(500).meta({ description: 'the app link from the QR code, or the short code such as ABCD-2345' }),
});

export const approveBody = z.object({
  pin,
  integrity,
  number: z
    .number()
    .int()
    .min(10)
    .max(99)
    .meta({ description: 'the number the citizen picked of numberChoices: the one the sign-in screen shows; a wrong pick refuses the sign-in' }),
});

/** Login ids are base64url; anything else names no sign-in. */
export const loginId = z.string().regex(/^[\w-]{1,64}$/);

export const loginParams = z.object({ id: loginId });

const loginStatus = z.enum(['pending', 'scanned', 'approved', 'denied', 'expired', 'cancelled']);

/** What the device shows the citizen about a sign-in (LoginShownOnDevice in device-answers.ts). */
export const loginRequestDetails = z
  .object({
    id: z.string(),
    status: loginStatus,
    expiresAt: z.iso.datetime(),
    agency: z.object({ th: z.string(), en: z.string() }).meta({ description: 'the agency asking, in Thai and English' }),
    system: z.string().meta({ description: "the agency's system the citizen signs in to" }),
    purpose: z.string(),
    dataItems: z
      .array(z.object({ scope: z.string(), th: z.string(), en: z.string() }))
      .meta({ description: 'exactly the data the relying party receives on approval' }),
    numberChoices: z
      .array(z.number().int())
      .meta({ description: 'three two-digit numbers; the citizen picks the one the sign-in screen shows, and sends it with the PIN' }),
    requestedAt: z.iso.datetime().meta({ description: 'when the browser started the sign-in' }),
    browser: z
      .object({
        device: z.enum(['desktop', 'mobile', 'tablet', 'tv', 'bot', 'unknown']),
        browser: z.string().meta({ description: 'name and major version, such as "Chrome 131"; empty when the browser did not say', example: 'Chrome 131' }),
        os: z.string().meta({ example: 'Windows 10' }),
        network: z.string().meta({ description: 'the network the browser came from: its address as an IPv4 /24 or IPv6 /48', example: '203.0.113.0/24' }),
      })
      .meta({ description: 'the browser that started the sign-in, coarsely, for the citizen to tell whether it is theirs' }),
  })
  .meta({ id: 'LoginRequest' });

export const loginDenied = z.object({ id: z.string(), status: z.literal('denied') });

export const loginReported = z.object({
  id: z.string(),
  status: z.literal('denied'),
  grantEnded: z.boolean().meta({ description: 'whether the sign-in had been approved, and what it granted has now ended' }),
});

import { z } from 'zod';
import { integrity, pin } from '../devices/schemas.ts';

/** The QR code's app link, or the short code typed by hand. */
export const scanBody = z.object({ code: z.string().trim().min(1).max(500) });

export const approveBody = z.object({ pin, integrity });

/** Login ids are base64url; anything else names no sign-in. */
export const loginId = z.string().regex(/^[\w-]{1,64}$/);

import type { Context } from 'koa';
import { nulRefused, readRawBody } from '../http/json-body.ts';

/**
 * A form's fields as the browser posts them (application/x-www-form-urlencoded); empty for any other body. At
 * most 64 KiB unless the form needs more (`limitBytes`).
 */
export async function readForm(ctx: Context, limitBytes?: number): Promise<URLSearchParams> {
  if (!ctx.is('application/x-www-form-urlencoded')) return new URLSearchParams();
  const form = new URLSearchParams((await readRawBody(ctx, limitBytes)).toString('utf8'));
  for (const [name, value] of form) if (name.includes('\0') || value.includes('\0')) throw nulRefused();
  return form;
}

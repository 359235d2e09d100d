import type { Context } from 'koa';
import { readRawBody } from '../http/json-body.ts';

/** A form's fields as the browser posts them (application/x-www-form-urlencoded); empty for any other body. */
export async function readForm(ctx: Context): Promise<URLSearchParams> {
  if (!ctx.is('application/x-www-form-urlencoded')) return new URLSearchParams();
  return new URLSearchParams((await readRawBody(ctx)).toString('utf8'));
}

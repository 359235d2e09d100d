import type { Context } from 'koa';
import { InvalidRequestError } from '../errors.ts';

const defaultLimitBytes = 64 * 1024;

/** PostgreSQL text cannot hold U+0000, so no field of ours takes it: said at once, rather than as a failed query. */
export const nulRefused = () => new InvalidRequestError('The request contains a NUL character (U+0000), which no field accepts.');

/**
 * The raw request body, at most `limitBytes` (64 KiB unless a route needs more). Signed device requests need the
 * exact bytes to check their digest.
 */
export async function readRawBody(ctx: Context, limitBytes = defaultLimitBytes): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) throw new InvalidRequestError(`The request body is larger than ${limitBytes / 1024} KiB.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return {};
  let holdsNul = false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'), (key, value: unknown) => {
      if (key.includes('\0') || (typeof value === 'string' && value.includes('\0'))) holdsNul = true;
      return value;
    });
  } catch {
    throw new InvalidRequestError('The request body is not valid JSON.');
  }
  if (holdsNul) throw nulRefused();
  return parsed;
}

/** Reads a JSON request body. The provider parses its own endpoints' bodies; this is for ours. */
export async function readJsonBody(ctx: Context, limitBytes = defaultLimitBytes): Promise<unknown> {
  if (!ctx.is('application/json')) throw new InvalidRequestError('Send the body as JSON with Content-Type: application/json.');
  return parseJson(await readRawBody(ctx, limitBytes));
}

import type { Context } from 'koa';
import { ContentTooLargeError, InvalidRequestError } from '../errors.ts';

const defaultLimitBytes = 64 * 1024;

/** PostgreSQL text cannot hold U+0000, so no field of ours takes it: said at once, rather than as a failed query. */
export const nulRefused = () => new InvalidRequestError('The request contains a NUL character (U+0000), which no field accepts.');

/**
 * A JSON string may escape half of a surrogate pair alone ("\ud800"), which is no character: PostgreSQL's json
 * refuses it, and its text would keep a replacement character instead. Said at once, as NUL is.
 */
const loneSurrogateRefused = () =>
  new InvalidRequestError(
    'The request contains an unpaired UTF-16 surrogate (a \\uD800 to \\uDFFF escape without its other half), which is not a character: no field accepts it.',
  );

/** With the u flag a surrogate pair is one code point, so only a lone half is a surrogate code point (Cs). */
const loneSurrogate = /\p{Cs}/u;

/** A body over `limitBytes`, the most its address takes. */
export const bodyTooLarge = (limitBytes: number) =>
  new ContentTooLargeError(`The request body is larger than ${limitBytes / 1024} KiB, the most this address takes.`);

/**
 * The raw request body, at most `limitBytes` (64 KiB unless a route needs more). Signed device requests need the
 * exact bytes to check their digest.
 */
export async function readRawBody(ctx: Context, limitBytes = defaultLimitBytes): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) throw bodyTooLarge(limitBytes);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return {};
  let holdsNul = false;
  let holdsLoneSurrogate = false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'), (key, value: unknown) => {
      if (key.includes('\0') || (typeof value === 'string' && value.includes('\0'))) holdsNul = true;
      if (loneSurrogate.test(key) || (typeof value === 'string' && loneSurrogate.test(value))) holdsLoneSurrogate = true;
      return value;
    });
  } catch {
    throw new InvalidRequestError('The request body is not valid JSON.');
  }
  if (holdsNul) throw nulRefused();
  if (holdsLoneSurrogate) throw loneSurrogateRefused();
  return parsed;
}

/** Reads a JSON request body. The provider parses its own endpoints' bodies; this is for ours. */
export async function readJsonBody(ctx: Context, limitBytes = defaultLimitBytes): Promise<unknown> {
  if (!ctx.is('application/json')) throw new InvalidRequestError('Send the body as JSON with Content-Type: application/json.');
  return parseJson(await readRawBody(ctx, limitBytes));
}

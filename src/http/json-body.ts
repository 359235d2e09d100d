import type { Context } from 'koa';
import { InvalidRequestError } from '../errors.ts';

const limitBytes = 64 * 1024;

/** The raw request body, at most 64 KiB. Signed device requests need the exact bytes to check their digest. */
export async function readRawBody(ctx: Context): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) throw new InvalidRequestError('The request body is larger than 64 KiB.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return {};
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new InvalidRequestError('The request body is not valid JSON.');
  }
}

/** Reads a JSON request body. The provider parses its own endpoints' bodies; this is for ours. */
export async function readJsonBody(ctx: Context): Promise<unknown> {
  if (!ctx.is('application/json')) throw new InvalidRequestError('Send the body as JSON with Content-Type: application/json.');
  return parseJson(await readRawBody(ctx));
}

import type { Context } from 'koa';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { parseJson, readRawBody } from '../http/json-body.ts';
import type { Device, DeviceRequestNonce } from './queries.ts';
import { verifyDeviceRequest, verifyDeviceSignature, type RequestFacts } from './request-signature.ts';

/** What a device's signature covers, read from the request: the body as its exact bytes. */
export async function requestFacts(ctx: Context): Promise<RequestFacts> {
  return { authorization: ctx.get('authorization'), method: ctx.method, path: ctx.originalUrl, body: await readRawBody(ctx) };
}

/**
 * A device API route for an enrolled device: the signature is verified before the handler runs, which gets the
 * device and the parsed body, and answers with what it returns.
 */
export function signedRoute(db: Kysely<Schema>, handler: (ctx: Context, device: Device, body: unknown) => Promise<unknown>) {
  return async (ctx: Context): Promise<void> => {
    const request = await requestFacts(ctx);
    const device = await verifyDeviceRequest(db, request);
    ctx.body = await handler(ctx, device, parseJson(request.body));
  };
}

/**
 * A device API route whose handler records the request's nonce in its own first statement, and acts only if it
 * was new (see recordingDeviceRequest and acceptRecordedRequest): the signature is verified before it runs.
 * For the steps of a sign-in, where a statement saved is a round trip saved on every login.
 */
export function signedStepRoute(db: Kysely<Schema>, handler: (ctx: Context, request: DeviceRequestNonce, body: unknown) => Promise<unknown>) {
  return async (ctx: Context): Promise<void> => {
    const facts = await requestFacts(ctx);
    const request = await verifyDeviceSignature(db, facts);
    ctx.body = await handler(ctx, request, parseJson(facts.body));
  };
}

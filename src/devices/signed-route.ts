import type { Context } from 'koa';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { DeviceAuthenticationError } from '../errors.ts';
import { parseJson, readRawBody } from '../http/json-body.ts';
import type { Device } from './queries.ts';
import { recordedDevice, SignedStep, verifyDeviceRequest, verifyDeviceSignature, type RequestFacts } from './request-signature.ts';

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

type StepHandler = (ctx: Context, step: SignedStep, body: unknown) => Promise<unknown>;

/**
 * A device API route for a step that records the request's nonce in its own first statement (see SignedStep):
 * the signature is verified before the handler runs. A step saves a statement on every sign-in this way.
 * Whatever the handler refuses before its statement (a malformed body, say) is refused after the request is
 * recorded as any other, so an unknown or revoked device and a replayed request get that answer first, and a
 * handler that never recorded the request fails instead of answering. A request refused as replayed gets back
 * the rate-limit points the handler took for it (SignedStep.takePoint): they were taken before the statement.
 */
export function signedStepRoute(db: Kysely<Schema>, handler: StepHandler) {
  return async (ctx: Context): Promise<void> => {
    const facts = await requestFacts(ctx);
    const step = new SignedStep(await verifyDeviceSignature(db, facts));
    try {
      ctx.body = await recordedAnswer(db, ctx, step, () => handler(ctx, step, parseJson(facts.body)));
    } catch (error) {
      if (error instanceof DeviceAuthenticationError && error.code === 'replayed_request') await step.giveBackPoints();
      throw error;
    }
  };
}

/** The handler's answer, once the step's request is recorded: by the handler's statement, or else here. */
async function recordedAnswer(db: Kysely<Schema>, ctx: Context, step: SignedStep, answer: () => Promise<unknown>): Promise<unknown> {
  let body: unknown;
  try {
    body = await answer();
  } catch (error) {
    if (!step.recorded) await recordedDevice(db, step.request);
    throw error;
  }
  if (!step.recorded) throw new Error(`${ctx.method} ${ctx.path} answered without recording its signed request`);
  return body;
}

import type { Middleware } from 'koa';
import { InvalidRequestError } from '../errors.ts';
import { readRawBody } from '../http/json-body.ts';
import { endpointPaths } from './paths.ts';

/**
 * OpenID Connect lets a relying party send the authorization request as a form POST. The library accepts one
 * only with cross-site cookies, so the browser is sent the same parameters as a GET, which it follows at once.
 */
export const authorizationByPost: Middleware = async (ctx, next) => {
  if (ctx.method !== 'POST' || ctx.path !== endpointPaths.authorization) return next();
  if (!ctx.is('application/x-www-form-urlencoded')) {
    throw new InvalidRequestError('Send the authorization request as a GET, or as a form POST (application/x-www-form-urlencoded).');
  }
  const parameters = new URLSearchParams((await readRawBody(ctx)).toString('utf8'));
  ctx.status = 303;
  ctx.redirect(`${endpointPaths.authorization}?${parameters}`);
};

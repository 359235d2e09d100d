import type { Context, Middleware } from 'koa';
import { errors as oidcErrors } from 'oidc-provider';
import { z } from 'zod';
import { isDatabaseUnavailable, isTransactionConflict } from '../db/unavailable.ts';
import { AppError, InvalidClientError, MethodNotAllowedError, RetryLaterError } from '../errors.ts';
import { isBodyTooLargeForProvider, providerBodyLimitBytes } from '../oidc/provider-internals.ts';
import { bodyTooLarge } from './json-body.ts';
import { thaiErrorWords } from './thai-error-words.ts';
import { render } from './views.ts';

interface ErrorResponse {
  status: number;
  error: string;
  message: string;
  details?: unknown;
  headers?: Record<string, string>;
}

const unavailable: ErrorResponse = {
  status: 503,
  error: 'temporarily_unavailable',
  message: 'The service cannot reach its database right now. Try again in a few seconds.',
};

const conflicted: ErrorResponse = {
  status: 503,
  error: 'temporarily_unavailable',
  message: 'Another request changed the same records at the same moment, so this one was stopped. Send it again.',
  headers: { 'Retry-After': '1' },
};

/** Nothing at the address: the message points to where the addresses of its part of the service are listed. */
function notFound(path: string): ErrorResponse {
  const listed = path.startsWith('/device/')
    ? 'The device API is described in docs/device-api.openapi.yaml.'
    : path.startsWith('/admin/api/')
      ? 'The admin API is described in docs/admin-api.openapi.yaml.'
      : 'The OpenID Connect endpoints are listed at /.well-known/openid-configuration.';
  return { status: 404, error: 'not_found', message: `There is nothing at this address. ${listed}` };
}

/** A schema's complaint, named by the field it is about; an unknown parameter names itself (in a query or a body). */
const issueText = (issue: z.core.$ZodIssue) =>
  issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.code === 'unrecognized_keys' ? issue.message : `body: ${issue.message}`;

/** The one place that turns errors into responses. Unexpected errors are logged and answered without details. */
function toResponse(error: unknown): ErrorResponse {
  if (error instanceof MethodNotAllowedError) {
    return { status: 405, error: error.code, message: error.message, headers: { Allow: error.allowed.join(', ') } };
  }
  if (error instanceof RetryLaterError) {
    return { status: error.status, error: error.code, message: error.message, headers: { 'Retry-After': String(Math.max(1, Math.ceil(error.retryAfterSeconds))) } };
  }
  if (error instanceof InvalidClientError) {
    return { status: error.status, error: error.code, message: error.message, headers: { 'WWW-Authenticate': error.challenge } };
  }
  if (error instanceof AppError) return { status: error.status, error: error.code, message: error.message, details: error.details };
  if (error instanceof z.ZodError) {
    return {
      status: 400,
      error: 'invalid_request',
      message: error.issues.map(issueText).join('; '),
    };
  }
  if (error instanceof oidcErrors.SessionNotFound) {
    return {
      status: 400,
      error: 'session_not_found',
      message:
        'This sign-in page has expired or was opened in a different browser. Go back to the application and sign in again.',
    };
  }
  // The provider says only that it could not read the body; every other address says it is too large, and by how much.
  if (isBodyTooLargeForProvider(error)) return toResponse(bodyTooLarge(providerBodyLimitBytes));
  if (error instanceof oidcErrors.OIDCProviderError) {
    return { status: error.statusCode, error: error.error, message: error.error_description ?? error.message };
  }
  if (isDatabaseUnavailable(error)) return unavailable;
  if (isTransactionConflict(error)) return conflicted;
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Koa's own client errors, such as a malformed JSON body.
    return { status, error: 'invalid_request', message: (error as Error).message };
  }
  return { status: 500, error: 'server_error', message: 'Something went wrong on our side. The request id identifies it in the logs.' };
}

function wantsHtml(ctx: Context): boolean {
  const api = ctx.path.startsWith('/admin/api/') || ctx.path.startsWith('/device/');
  return !api && ctx.accepts('json', 'html') === 'html';
}

function send(ctx: Context, response: ErrorResponse) {
  ctx.status = response.status;
  if (response.status === 503) ctx.set('Retry-After', '5');
  if (response.headers) ctx.set(response.headers);
  if (wantsHtml(ctx)) {
    const thai = thaiErrorWords(response.error, response.status);
    const heading = response.status >= 500 ? 'ThaID is temporarily unavailable' : 'The request could not be completed';
    ctx.type = 'html';
    ctx.body = render('error', `${thai.heading} · ${heading}`, {
      headingTh: thai.heading,
      messageTh: thai.message,
      heading,
      message: response.message,
      code: response.error,
      requestId: String(ctx.state.requestId ?? ''),
    });
  } else {
    ctx.body = {
      error: response.error,
      error_description: response.message,
      ...(response.details === undefined ? {} : { details: response.details }),
    };
  }
}

export const errorHandler: Middleware = async (ctx, next) => {
  try {
    await next();
  } catch (error) {
    const response = toResponse(error);
    if (response.status >= 500) ctx.state.log?.error({ err: error }, 'request failed');
    send(ctx, response);
    return;
  }
  // oidc-provider answers its own errors. Two of them are answered as every other route does instead: a 500 whose
  // cause was the database being out of reach or a transaction PostgreSQL ended for another's sake (503), and a
  // body over the provider's limit, which it answers with 400 (413).
  const providerFailure = ctx.state.providerError !== undefined ? toResponse(ctx.state.providerError) : undefined;
  if (providerFailure?.status === 503 || providerFailure?.status === 413) send(ctx, providerFailure);
  else if (ctx.status === 404 && ctx.body == null) send(ctx, notFound(ctx.path));
  // A route asked with a method it does not take, or a method no route takes: the routers set the status (and
  // Allow), and say nothing more.
  else if (ctx.status === 405 && ctx.body == null) {
    const allowed = String(ctx.response.get('Allow')).split(/,\s*/).filter(Boolean);
    send(ctx, toResponse(new MethodNotAllowedError('This address', ctx.method, allowed)));
  } else if (ctx.status === 501 && ctx.body == null) {
    send(ctx, { status: 501, error: 'invalid_request', message: `This service does not answer ${ctx.method} requests.` });
  }
};

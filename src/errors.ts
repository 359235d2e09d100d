/**
 * Errors the application's own routes throw. Each maps to one HTTP response in error-handler.ts;
 * anything else is an unexpected fault and becomes a 500 without details.
 */
export class AppError extends Error {
  readonly status: number;
  /** A short machine-readable code, OAuth style (invalid_request, not_found, ...). */
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export class InvalidRequestError extends AppError {
  constructor(message: string, details?: unknown) {
    super(400, 'invalid_request', message, details);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message: string) {
    super(401, 'unauthorized', message);
  }
}

/** Client authentication failed (RFC 6749, 5.2): answered with the challenge the client should meet. */
export class InvalidClientError extends AppError {
  readonly challenge: string;

  constructor(message: string, challenge: string) {
    super(401, 'invalid_client', message);
    this.challenge = challenge;
  }
}

/** A request body over the size its address takes (RFC 9110, 15.5.14: 413 Content Too Large). */
export class ContentTooLargeError extends AppError {
  constructor(message: string) {
    super(413, 'invalid_request', message);
  }
}

export class NotFoundError extends AppError {
  constructor(message: string) {
    super(404, 'not_found', message);
  }
}

/**
 * A known address (`what`, such as "The token endpoint") asked with a method it does not answer; `allowed` are
 * those it does, named in the message as in the Allow header.
 */
export class MethodNotAllowedError extends AppError {
  readonly allowed: readonly string[];

  constructor(what: string, method: string, allowed: readonly string[]) {
    super(405, 'invalid_request', `${what} answers ${allowed.join(', ')} requests only, not ${method}.`);
    this.allowed = allowed;
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: string) {
    super(409, code, message);
  }
}

/** Something that existed and has ended, such as an expired sign-in. */
export class GoneError extends AppError {
  constructor(code: string, message: string) {
    super(410, code, message);
  }
}

/** Not now: the caller may try again after `retryAfterSeconds` (sent as Retry-After). */
export class RetryLaterError extends AppError {
  readonly retryAfterSeconds: number;

  constructor(status: 429 | 503, code: string, message: string, retryAfterSeconds: number) {
    super(status, code, message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Too many attempts (429). */
export class TooManyAttemptsError extends RetryLaterError {
  constructor(code: string, message: string, retryAfterSeconds: number) {
    super(429, code, message, retryAfterSeconds);
  }
}

/** The service is too busy for this request now (503). */
export class ServiceBusyError extends RetryLaterError {
  constructor(message: string, retryAfterSeconds: number) {
    super(503, 'temporarily_unavailable', message, retryAfterSeconds);
  }
}

export class ForbiddenError extends AppError {
  constructor(code: string, message: string) {
    super(403, code, message);
  }
}

/** A device request that is not signed right, replayed, stale, or from a device that no longer counts. */
export class DeviceAuthenticationError extends AppError {
  constructor(code: 'invalid_signature' | 'replayed_request' | 'stale_request' | 'device_revoked', message: string) {
    super(401, code, message);
  }
}

import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from '../logging/logger.ts';

const acceptableRequestId = /^[\w.:-]{1,64}$/;

/**
 * Gives every request an id (the caller's X-Request-Id when sane), a child logger, and one access-log line, whose
 * path `loggedPath` may strip of what must not be logged.
 */
export function requestContext(logger: Logger, loggedPath: (path: string) => string = (path) => path): Middleware {
  return async (ctx, next) => {
    const incoming = ctx.get('x-request-id');
    const requestId = acceptableRequestId.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.state.log = logger.child({ requestId });
    ctx.set('X-Request-Id', requestId);
    const started = performance.now();
    try {
      await next();
    } finally {
      // The path only: query strings carry authorization codes and state.
      ctx.state.log.info(
        { method: ctx.method, path: loggedPath(ctx.path), status: ctx.status, ms: Math.round(performance.now() - started) },
        'request',
      );
    }
  };
}

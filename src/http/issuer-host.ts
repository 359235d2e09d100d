import type { Middleware } from 'koa';

/**
 * Every request is answered as ISSUER's: the provider builds the endpoints of its discovery document, and every
 * other absolute URL, from the request's host (and, behind a trusted proxy, from X-Forwarded-Host and -Proto).
 * Left alone, a request with another Host header would get a discovery document naming that host's token and
 * userinfo endpoints. So the host (and forwarded host and protocol) are set to ISSUER's before anything reads them.
 */
export function issuerHost(issuer: string, trustProxy: boolean): Middleware {
  const { host, protocol } = new URL(issuer);
  const scheme = protocol.slice(0, -1);
  return (ctx, next) => {
    ctx.request.header.host = host;
    if (trustProxy) {
      ctx.request.header['x-forwarded-host'] = host;
      ctx.request.header['x-forwarded-proto'] = scheme;
    }
    return next();
  };
}

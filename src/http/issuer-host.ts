import type { Middleware } from 'koa';

/**
 * Every request is answered as ISSUER's: the provider builds the endpoints of its discovery document, and every
 * other absolute URL, from the request's host and protocol (and, behind a trusted proxy, from X-Forwarded-Host and
 * -Proto). Left alone, a request with another Host header would get a discovery document naming that host's token
 * and userinfo endpoints; one from a proxy that ended TLS, set up without TRUST_PROXY, would get http endpoints and
 * cookies without Secure. So the host and protocol are ISSUER's before anything reads them.
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
    // Koa reads the protocol from the socket or, behind a trusted proxy, X-Forwarded-Proto; ctx.secure, ctx.href
    // and the cookies' Secure flag follow it.
    Object.defineProperty(ctx.request, 'protocol', { value: scheme, configurable: true });
    return next();
  };
}

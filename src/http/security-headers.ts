import { isIP } from 'node:net';
import type { Middleware } from 'koa';

/**
 * Whether browsers should be told to reach ISSUER's host over HTTPS only (HSTS): an https ISSUER with a domain
 * name. Not localhost or an address, where a developer may serve plain HTTP tomorrow on the same host and port
 * (and browsers ignore the header for an address anyway).
 */
export function httpsOnlyHost(issuer: string): boolean {
  const { protocol, hostname } = new URL(issuer);
  const bare = hostname.replace(/^\[|\]$/g, '');
  return protocol === 'https:' && isIP(bare) === 0 && bare !== 'localhost' && !bare.endsWith('.localhost');
}

/**
 * Headers every response carries. Pages may not be framed (a framed consent page invites clickjacking),
 * load nothing from elsewhere, and leak no URL (which can hold an authorization code) through Referer. An
 * ISSUER on a domain name over https is kept on https for a year (HSTS).
 */
export const securityHeaders = (issuer: string): Middleware => {
  const hsts = httpsOnlyHost(issuer);
  return async (ctx, next) => {
    if (hsts) ctx.set('Strict-Transport-Security', 'max-age=31536000');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('X-Frame-Options', 'DENY');
    // Set before the provider runs: its self-submitting pages (form_post, logout confirmation) add the hash of
    // their inline script to this policy.
    ctx.set(
      'Content-Security-Policy',
      "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; " +
        "frame-ancestors 'none'; base-uri 'none'",
    );
    await next();
  };
};

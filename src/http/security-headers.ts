import type { Middleware } from 'koa';

/**
 * Headers every response carries. Pages may not be framed (a framed consent page invites clickjacking),
 * load nothing from elsewhere, and leak no URL (which can hold an authorization code) through Referer.
 */
export const securityHeaders: Middleware = async (ctx, next) => {
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

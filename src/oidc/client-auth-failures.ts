import type { Middleware } from 'koa';

/** What a failed client authentication answers, naming every cause a developer should check. */
export const clientAuthFailureDescription =
  'client authentication failed: check the client_id and the client secret, and that the system and its agency are active (not suspended or cancelled)';

/**
 * The library answers every failed client authentication at the token, introspection and revocation endpoints
 * with "client authentication failed": an unknown client_id, a wrong secret, and a system (or agency) that is
 * suspended or cancelled, whose lookup finds no client, read the same. The description names all three, as the
 * authorization endpoint's error page does, so a developer whose system was stopped looks at its status and not
 * only at the secret; it tells no caller which of them it was. Other invalid_client answers (a wrong API key)
 * keep their own words.
 */
export const explainClientAuthFailures: Middleware = async (ctx, next) => {
  await next();
  const body = ctx.body as { error?: unknown; error_description?: unknown } | undefined;
  if (ctx.status !== 401 || body?.error !== 'invalid_client' || body.error_description !== 'client authentication failed') return;
  ctx.body = { ...body, error_description: clientAuthFailureDescription };
};

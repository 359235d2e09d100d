import type { Middleware } from 'koa';

/** What a failed client authentication answers, naming every cause a developer should check. */
export const clientAuthFailureDescription =
  'client authentication failed: check the client_id, the client secret and how it is sent (HTTP Basic, or both in the form body; a public client sends none), and that the system and its agency are active (not suspended or cancelled)';

const libraryDescription = 'client authentication failed';

/** The library's words for HTTP Basic with an empty secret, which a public client sends when it should send none. */
const emptySecretDescription = 'client_secret must be provided in the Authorization header';
const emptySecretHint = ' (a public client sends its client_id in the form body and no Authorization header)';

/**
 * The library answers every failed client authentication at the token, introspection and revocation endpoints
 * with "client authentication failed": an unknown client_id, a wrong secret, a secret sent the wrong way, and a
 * system (or agency) that is suspended or cancelled, whose lookup finds no client, read the same. The description
 * names them all, in the body and in the Basic challenge alike, so a developer whose system was stopped looks at its
 * status and not only at the secret; it tells no caller which of them it was. Other invalid_client answers (a wrong
 * API key) keep their own words. HTTP Basic with an empty secret, refused before the client is looked up, is told
 * how a public client sends its client_id instead.
 */
export const explainClientAuthFailures: Middleware = async (ctx, next) => {
  await next();
  const body = ctx.body as { error?: unknown; error_description?: unknown } | undefined;
  if (ctx.status === 400 && body?.error === 'invalid_request' && body.error_description === emptySecretDescription) {
    ctx.body = { ...body, error_description: emptySecretDescription + emptySecretHint };
    return;
  }
  if (ctx.status !== 401 || body?.error !== 'invalid_client' || body.error_description !== libraryDescription) return;
  ctx.body = { ...body, error_description: clientAuthFailureDescription };
  const challenge = ctx.response.get('WWW-Authenticate');
  if (typeof challenge === 'string' && challenge.includes(`error_description="${libraryDescription}"`)) {
    ctx.set('WWW-Authenticate', challenge.replace(`error_description="${libraryDescription}"`, `error_description="${clientAuthFailureDescription}"`));
  }
};

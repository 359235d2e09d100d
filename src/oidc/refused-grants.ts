import type Provider from 'oidc-provider';

/** The library's reasons for a code or refresh token it cannot read: one past its lifetime is never read again. */
const unreadable = new Set(['authorization code not found', 'refresh token not found']);

/**
 * The token endpoint answers every refused grant alike, invalid_grant "grant request is invalid", as is usual
 * (and the real service's own words are not known): a caller learns nothing about a code or token it guessed.
 * The developer learns the reason from the log: a code used twice, unknown or expired, another redirect_uri than
 * the authorization's, a wrong or missing code_verifier, a refresh token unknown, expired or already replaced.
 * Relies on: the library emits 'grant.error' for each error the token endpoint answers, with the reason in the
 * error's error_detail, which never holds the code or token itself.
 */
export function logRefusedGrants(provider: Provider): void {
  provider.on('grant.error', (ctx, error) => {
    const { error: code, error_detail: detail } = error as { error?: unknown; error_detail?: unknown };
    if (code !== 'invalid_grant') return;
    const clientId = ctx.oidc?.client?.clientId;
    const grantType = ctx.oidc?.params?.['grant_type'];
    const reason = unreadable.has(String(detail)) ? `${String(detail)} (never issued, or past its lifetime)` : String(detail ?? 'no reason given');
    const log = ctx.state?.['log'] as { warn(fields: object, message: string): void } | undefined;
    log?.warn({ clientId, grantType, reason }, `the token endpoint refused client ${clientId ?? '(unknown)'}'s ${String(grantType)} grant with invalid_grant: ${reason}`);
  });
}

import { errors, interactionPolicy } from 'oidc-provider';

/** What a relying party over its quota reads in error_description. */
export const quotaUsedUpDescription = (quota: unknown) =>
  `the system's daily quota of ${String(quota)} authorization requests is used up; it resets at midnight Bangkok time`;

/**
 * A check of the login prompt that refuses a new authorization request of a system whose daily quota is used up,
 * with temporarily_unavailable, sent to the relying party's redirect URI as any authorization error is. The
 * client lookup has already said so (quota_used_up in the client's metadata, see src/enforcement/usage-queries.ts),
 * so the check costs no statement. A sign-in already started finishes: the provider's resume of it is not refused.
 */
export function dailyQuotaCheck(): interactionPolicy.Check {
  return new interactionPolicy.Check('daily_quota', 'A system makes at most its daily quota of authorization requests', (ctx) => {
    const client = ctx.oidc.client as unknown as Record<string, unknown> | undefined;
    if (ctx.oidc.route === 'authorization' && client?.['quota_used_up'] === true) {
      throw new errors.TemporarilyUnavailable(quotaUsedUpDescription(client['daily_quota']));
    }
    return interactionPolicy.Check.NO_NEED_TO_PROMPT;
  });
}

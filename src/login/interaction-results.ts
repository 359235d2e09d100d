import { createHash } from 'node:crypto';
import type Provider from 'oidc-provider';
import type { LoginTransaction } from './queries.ts';

/** The interaction a browser is in, as the provider reads it from the browser's cookie. */
export type BrowserInteraction = Awaited<ReturnType<Provider['interactionDetails']>>;
type Approved = Pick<LoginTransaction, 'id' | 'pid' | 'client_id' | 'scopes'>;

const epochSeconds = () => Math.floor(Date.now() / 1000);

/** One grant per sign-in, whichever of the browser's requests stores it first: its id comes from the sign-in's. */
export const grantIdOfSignIn = (loginId: string) => createHash('sha256').update(`grant of ${loginId}`).digest('base64url');

const refusals = {
  denied: 'The citizen refused the request on their ThaID device',
  cancelled: 'The citizen cancelled the sign-in',
} as const;

/**
 * Writes a sign-in's outcome on the browser's own interaction, through the provider's models, in the browser's
 * request: for an approval, the grant of exactly the scopes the citizen approved, to the system that asked; for a
 * refusal or a cancel, access_denied. The provider then resumes the authorization from this result. The device's
 * answer itself is only the login transaction's; the browser turns it into this result when it comes back.
 */
export async function finishInteraction(
  provider: Provider,
  interaction: BrowserInteraction,
  outcome: (Approved & Pick<LoginTransaction, 'status'>) | { status: 'cancelled' },
): Promise<void> {
  // An approval always names its citizen; one that did not would be refused, never granted.
  if (outcome.status === 'approved' && 'pid' in outcome && outcome.pid) {
    const jti = grantIdOfSignIn(outcome.id);
    // The models take their id as jti (every model's stored fields include it), which the typings leave out.
    const grant = new provider.Grant({ jti, accountId: outcome.pid, clientId: outcome.client_id } as { accountId: string; clientId: string });
    grant.addOIDCScope(outcome.scopes.join(' '));
    interaction.result = { login: { accountId: outcome.pid }, consent: { grantId: await grant.save() } };
  } else {
    const reason = outcome.status === 'denied' ? 'denied' : 'cancelled';
    interaction.result = { error: 'access_denied', error_description: refusals[reason] };
  }
  await interaction.save(interaction.exp - epochSeconds());
}

import type Provider from 'oidc-provider';
import { GrantEndedError } from '../oidc/adapter.ts';
import { grantIdOfSignIn } from '../oidc/grant-queries.ts';
import type { LoginTransaction } from './queries.ts';
import type { ReportReason } from './report-step.ts';

/** The interaction a browser is in, as the provider reads it from the browser's cookie. */
export type BrowserInteraction = Awaited<ReturnType<Provider['interactionDetails']>>;
type Approved = Pick<LoginTransaction, 'id' | 'pid' | 'client_id' | 'scopes'>;

const epochSeconds = () => Math.floor(Date.now() / 1000);

const refusals = {
  denied: 'The citizen refused the request on their ThaID device',
  expired: 'The sign-in expired before the citizen answered on their ThaID device',
  cancelled: 'The citizen cancelled the sign-in',
  wrong_number: "The number picked on the citizen's ThaID device was not the one the sign-in page showed, so the sign-in was refused",
  citizen_report: 'The citizen reported on their ThaID device that they did not start this sign-in',
} as const;

/**
 * Stores the grant of an approved sign-in; undefined when the citizen reported the sign-in as not theirs while
 * the browser was carrying the approval on (the report ended the grant first, see withGrantEnded).
 */
async function storeGrant(provider: Provider, approved: Approved & { pid: string }): Promise<string | undefined> {
  // The models take their id as jti (every model's stored fields include it), which the typings leave out.
  const grant = new provider.Grant({ jti: grantIdOfSignIn(approved.id), accountId: approved.pid, clientId: approved.client_id } as { accountId: string; clientId: string });
  grant.addOIDCScope(approved.scopes.join(' '));
  try {
    return await grant.save();
  } catch (error) {
    if (error instanceof GrantEndedError) return undefined;
    throw error;
  }
}

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
  reported?: ReportReason,
): Promise<void> {
  // An approval always names its citizen; one that did not would be refused, never granted.
  const approved = outcome.status === 'approved' && 'pid' in outcome && outcome.pid ? { ...outcome, pid: outcome.pid } : undefined;
  const grantId = approved && (await storeGrant(provider, approved));
  if (approved && grantId) {
    interaction.result = { login: { accountId: approved.pid }, consent: { grantId } };
  } else {
    // The citizen refused on the phone, picked a wrong number or reported the sign-in as not theirs (the relying
    // party's developer learns which); a browser that gave up on a sign-in that had expired unanswered says it expired.
    const reason = outcome.status === 'denied' || outcome.status === 'approved' ? (reported ?? 'denied') : outcome.status === 'expired' ? 'expired' : 'cancelled';
    interaction.result = { error: 'access_denied', error_description: refusals[reason] };
  }
  await interaction.save(interaction.exp - epochSeconds());
}

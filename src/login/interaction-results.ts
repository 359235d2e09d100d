import type Provider from 'oidc-provider';
import type { LoginTransaction } from './queries.ts';

type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

const epochSeconds = () => Math.floor(Date.now() / 1000);

const refusals = {
  denied: 'The citizen refused the request on their ThaID device',
  cancelled: 'The citizen cancelled the sign-in',
} as const;

/**
 * Writes the outcome of a sign-in on the browser's own interaction, in the browser's request, so the result
 * is in place before the browser follows `returnTo`. The device only moves the login transaction; this is
 * the one place that turns its final status into what oidc-provider reads.
 * Returns where the browser goes next.
 */
export async function finishInteraction(
  provider: Provider,
  interaction: Interaction,
  outcome: Pick<LoginTransaction, 'status' | 'pid' | 'client_id' | 'scopes'> | { status: 'cancelled' },
): Promise<string> {
  if (interaction.result) return interaction.returnTo;
  if (outcome.status === 'approved' && 'pid' in outcome && outcome.pid) {
    const grant = new provider.Grant({ accountId: outcome.pid, clientId: outcome.client_id });
    grant.addOIDCScope(outcome.scopes.join(' '));
    interaction.result = { login: { accountId: outcome.pid }, consent: { grantId: await grant.save() } };
  } else {
    const reason = outcome.status === 'denied' ? refusals.denied : refusals.cancelled;
    interaction.result = { error: 'access_denied', error_description: reason };
  }
  await interaction.save(interaction.exp - epochSeconds());
  return interaction.returnTo;
}

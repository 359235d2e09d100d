import type Provider from 'oidc-provider';
import { GoneError } from '../errors.ts';

const epochSeconds = () => Math.floor(Date.now() / 1000);

const interactionGone = () =>
  new GoneError('login_expired', 'The sign-in this code belonged to has ended. Start again from the application.');

/**
 * Records the outcome of a sign-in on its interaction, from whichever process the device reached. The browser
 * that started the sign-in then follows the interaction's returnTo and oidc-provider reads the result there.
 */
export async function recordApproval(provider: Provider, uid: string, approval: { pid: string; clientId: string; scopes: string[] }) {
  const interaction = await provider.Interaction.find(uid);
  // No interaction, or one that already has an outcome (a cancel in the browser won): nothing to approve.
  if (!interaction || interaction.result) throw interactionGone();
  const grant = new provider.Grant({ accountId: approval.pid, clientId: approval.clientId });
  grant.addOIDCScope(approval.scopes.join(' '));
  const grantId = await grant.save();
  interaction.result = { login: { accountId: approval.pid }, consent: { grantId } };
  await interaction.save(interaction.exp - epochSeconds());
}

export async function recordRefusal(provider: Provider, uid: string, description: string) {
  const interaction = await provider.Interaction.find(uid);
  if (!interaction) throw interactionGone();
  interaction.result = { error: 'access_denied', error_description: description };
  await interaction.save(interaction.exp - epochSeconds());
}

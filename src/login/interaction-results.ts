import type Provider from 'oidc-provider';
import type { AdapterPayload } from 'oidc-provider';
import { capturedStorageWrites, type StorageWrite } from '../oidc/held-writes.ts';
import type { LoginTransaction } from './queries.ts';

/** The interaction a browser is in, as the provider reads it from the browser's cookie. */
export type BrowserInteraction = Awaited<ReturnType<Provider['interactionDetails']>>;
type Interaction = InstanceType<Provider['Interaction']>;
type Approved = Pick<LoginTransaction, 'pid' | 'client_id' | 'scopes'>;

const epochSeconds = () => Math.floor(Date.now() / 1000);

const refusals = {
  denied: 'The citizen refused the request on their ThaID device',
  cancelled: 'The citizen cancelled the sign-in',
} as const;

const refusal = (status: keyof typeof refusals) => ({ error: 'access_denied', error_description: refusals[status] });

/** The grant of exactly the scopes the citizen approved, to the system that asked; not saved yet. */
function grantFor(provider: Provider, approved: Approved) {
  if (!approved.pid) throw new Error('An approved sign-in names its citizen');
  const grant = new provider.Grant({ accountId: approved.pid, clientId: approved.client_id });
  grant.addOIDCScope(approved.scopes.join(' '));
  return grant;
}

/** The interaction stored as `payload`, read together with its sign-in (the provider builds it the same way). */
export function storedInteraction(provider: Provider, uid: string, payload: AdapterPayload): Interaction {
  const InteractionModel = provider.Interaction as unknown as new (uid: string, payload: AdapterPayload) => Interaction;
  return new InteractionModel(uid, payload);
}

/** A row of the provider's storage, as its model would store it. */
export interface StoredRow {
  id: string;
  /** JSON. */
  payload: string;
  grantId: string | null;
  clientId: string | null;
  expiresIn: number;
}

/** What a device's answer stores: the interaction with its result and, for an approval, the grant it names. */
export interface DeviceAnswer {
  interaction: StoredRow;
  grant?: StoredRow;
}

function rowOf(writes: StorageWrite[], model: string): StoredRow {
  const write = writes.find((w) => w.model === model);
  if (write?.kind !== 'upsert' || write.expiresIn === null) throw new Error(`Expected the ${model} to be stored, with an expiry`);
  return { id: write.id, payload: write.payload, grantId: write.grantId, clientId: write.clientId, expiresIn: write.expiresIn };
}

/**
 * The rows a device's approval stores, built by the provider's own models and handed back instead of stored,
 * for the approval's statement to store them with the transaction's change: the browser then finds the result
 * on its interaction whenever it comes back, and nothing is left for it to write.
 */
export async function approvalAnswer(provider: Provider, interaction: Interaction, approved: Approved): Promise<Required<DeviceAnswer>> {
  const grant = grantFor(provider, approved);
  const writes = await capturedStorageWrites(async () => {
    interaction.result = { login: { accountId: grant.accountId! }, consent: { grantId: await grant.save() } };
    await interaction.persist();
  });
  return { interaction: rowOf(writes, 'Interaction'), grant: rowOf(writes, 'Grant') };
}

/** The row a device's refusal stores: the interaction with access_denied as its result (see approvalAnswer). */
export async function refusalAnswer(interaction: Interaction): Promise<DeviceAnswer> {
  const writes = await capturedStorageWrites(async () => {
    interaction.result = refusal('denied');
    await interaction.persist();
  });
  return { interaction: rowOf(writes, 'Interaction') };
}

/**
 * Writes a sign-in's outcome on the browser's own interaction, in the browser's request, so the result is in
 * place before the browser follows `returnTo`. A device's answer is stored by the answer's own statement
 * (approvalAnswer, refusalAnswer); the browser writes what it decides itself (a cancel), and a final status
 * whose interaction carries no result (one decided by an earlier version of this server). Returns where the
 * browser goes next.
 */
export async function finishInteraction(
  provider: Provider,
  interaction: BrowserInteraction,
  outcome: (Approved & Pick<LoginTransaction, 'status'>) | { status: 'cancelled' },
): Promise<string> {
  // The device's answer may have been stored since the browser's copy was read: it stands.
  if (interaction.result || (await provider.Interaction.find(interaction.uid))?.result) return interaction.returnTo;
  if (outcome.status === 'approved' && 'pid' in outcome && outcome.pid) {
    const grantId = await grantFor(provider, outcome).save();
    interaction.result = { login: { accountId: outcome.pid }, consent: { grantId } };
  } else {
    interaction.result = refusal(outcome.status === 'denied' ? 'denied' : 'cancelled');
  }
  await interaction.save(interaction.exp - epochSeconds());
  return interaction.returnTo;
}

import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { appendEntry } from '../disclosures/ledger-queries.ts';
import { NotFoundError } from '../errors.ts';
import { recentApprovalsBy } from '../login/queries.ts';
import { endGrantsNotYetStored, endGrantsOfAccountTo, grantIdOfSignIn, grantsNotStored, grantsOfAccount, type AccountGrant } from '../oidc/grant-queries.ts';
import { dataItemsAmong, type DataItem } from '../oidc/scopes.ts';
import { systemsNamed, type NamedSystem } from './connected-service-queries.ts';
import type { Device } from './queries.ts';

/*
 * What the citizen has consented to, as their phone lists it: each system that holds a live grant of theirs (one
 * per approved sign-in, see src/login/interaction-results.ts), and the withdrawal of all of a system's grants at
 * once. A withdrawal ends what the system could still do with the citizen's consent: its codes, access tokens
 * and refresh tokens stop working. It cannot take back data already released; the history shows what was.
 */

/** One system the citizen has live grants with (ConnectedService in schemas.ts). */
export interface ConnectedService {
  clientId: string;
  agency: { th: string; en: string };
  system: string;
  purpose: string;
  active: boolean;
  dataItems: DataItem[];
  firstGrantedAt: string;
  lastGrantedAt: string;
  grants: number;
}

/** A system whose row could not be read is still listed, by its client id, so its grants can be withdrawn. */
const unnamed = (clientId: string): NamedSystem => ({ clientId, agency: { id: '', th: '', en: '' }, name: clientId, purpose: '', active: false });

/** The systems the citizen has live grants with, most recently granted first. */
export async function connectedServices(db: Kysely<Schema>, pid: string): Promise<ConnectedService[]> {
  const bySystem = new Map<string, AccountGrant[]>();
  for (const grant of await grantsOfAccount(db, pid)) bySystem.set(grant.clientId, [...(bySystem.get(grant.clientId) ?? []), grant]);
  const systems = await systemsNamed(db, [...bySystem.keys()]);
  return [...bySystem]
    .map(([clientId, grants]) => {
      const system = systems.get(clientId) ?? unnamed(clientId);
      // Grants come oldest first.
      return {
        clientId,
        agency: { th: system.agency.th, en: system.agency.en },
        system: system.name,
        purpose: system.purpose,
        active: system.active,
        dataItems: dataItemsAmong(grants.flatMap((grant) => grant.scopes)),
        firstGrantedAt: grants[0]!.grantedAt.toISOString(),
        lastGrantedAt: grants.at(-1)!.grantedAt.toISOString(),
        grants: grants.length,
      };
    })
    .sort((a, b) => b.lastGrantedAt.localeCompare(a.lastGrantedAt));
}

const noLiveGrant = () =>
  new NotFoundError('You have not consented to this system, or your consent has already expired or been withdrawn: there is nothing to withdraw.');

/**
 * The citizen withdraws their consent from a system: every grant of theirs to it ends, with every code and token
 * issued under them, and the withdrawal is an event of their history, in one transaction. The event names the
 * system and the data items it may no longer receive, never their values.
 */
export async function withdrawConsent(
  db: Kysely<Schema>,
  device: Device,
  clientId: string,
): Promise<{ clientId: string; withdrawn: true; grantsEnded: number }> {
  return db.transaction().execute(async (trx) => {
    // Expired grants go too, but only live ones count: a consent that had already lapsed is not withdrawn.
    // A sign-in approved a moment ago whose browser has not yet come back for its code ends too, even when it is
    // the citizen's first with this system and so the only consent there is to withdraw.
    const approvals = await recentApprovalsBy(trx, device.id, clientId);
    const approvedGrants = approvals.map((login) => grantIdOfSignIn(login.id));
    const notYetStored = new Set(await grantsNotStored(trx, approvedGrants));
    const recent = approvals.filter((login) => notYetStored.has(grantIdOfSignIn(login.id)));
    const ended = (await endGrantsOfAccountTo(trx, device.pid, clientId)).filter((grant) => grant.live);
    const grantIds = new Set([...ended.map((grant) => grant.grantId), ...notYetStored]);
    if (grantIds.size === 0) throw noLiveGrant();
    // Every recent approval's grant is stored as ended, so that a browser storing one at this moment cannot revive it.
    await endGrantsNotYetStored(trx, approvedGrants);
    const system = (await systemsNamed(trx, [clientId])).get(clientId) ?? unnamed(clientId);
    await appendEntry(trx, {
      kind: 'event',
      at: new Date().toISOString(),
      pid: device.pid,
      agency: system.agency,
      system: { clientId, name: system.name },
      purpose: system.purpose,
      items: [...new Set([...ended.flatMap((grant) => grant.scopes), ...recent.flatMap((login) => login.scopes)])],
      event: 'consent_withdrawn',
      deviceId: device.id,
    });
    return { clientId, withdrawn: true as const, grantsEnded: grantIds.size };
  });
}

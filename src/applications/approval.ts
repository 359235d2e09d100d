import type { Kysely } from 'kysely';
import { hashCredential, newApiKey, newClientId, newClientSecret } from '../agencies/client-credentials.ts';
import { lockAgencyWithNames, lockSystemOfAgency } from '../agencies/lock-queries.ts';
import { extendSystem, insertAgency, insertSystem } from '../agencies/queries.ts';
import { insertAcceptanceOfCurrent } from '../conditions/acceptance-queries.ts';
import type { IdTokenAlg, Schema, WireProfile } from '../db/schema.ts';
import { ConflictError, ForbiddenError } from '../errors.ts';
import { actorName, type ApplicationActor } from './actors.ts';
import { UnchangeableSystemError } from './changed-systems.ts';
import type { ApplicationForm } from './form.ts';
import { issueLetter } from './letters.ts';
import type { Preparation } from './preparation.ts';
import { latestEvent, setApplicationAgency } from './queries.ts';
import { beginTransition, recordTransition, type Begun } from './steps.ts';
import type { LetterSystem, PermissionLetter } from './views.ts';

/** A new system's credentials, returned by its approval only: the secret and the API key are stored hashed. */
export interface IssuedCredentials {
  /** The system's place in the application's form. */
  index: number;
  clientId: string;
  name: string;
  /** Absent for a public client, which has none. */
  clientSecret: string | undefined;
  apiKey: string;
  redirectUris: string[];
  /** openid and the permitted data items. */
  scopes: string[];
  dailyQuota: number | null;
  profile: WireProfile;
  idTokenAlg: IdTokenAlg;
}

/** What the approval changed of each system, for the audit log: an existing system's quota before and after, and what it gained. */
export type SystemChange =
  | { clientId: string; change: 'new_system'; dailyQuota: number | null }
  | {
      clientId: string;
      change: 'extended';
      dailyQuota: { before: number | null; after: number | null };
      redirectUrisAdded: string[];
      dataItemsAdded: string[];
    };

export interface ApprovalOutcome extends Begun {
  agencyId: string;
  letter: PermissionLetter;
  credentials: IssuedCredentials[];
  systemChanges: SystemChange[];
}

/** Fixed credentials for a new system, by its index: for the documented demo relying party only. */
export type FixedCredentials = ReadonlyMap<number, { clientId: string; clientSecret: string; apiKey: string }>;

/**
 * Approves a prepared application, in the caller's transaction: the agency (for a new application) or the
 * additions to it (for a change), each new system as an OIDC client with generated credentials, the permission
 * letter, and the approve event. A member of staff never approves a preparation they made.
 */
export async function approveStep(
  trx: Kysely<Schema>,
  actor: ApplicationActor,
  id: string,
  options: { fixedCredentials?: FixedCredentials } = {},
): Promise<ApprovalOutcome> {
  const begun = await beginTransition(trx, actor, id, 'approve');
  const prepared = (await latestEvent(trx, id, 'prepare'))!;
  if (actor.kind === 'staff' && prepared.actor_pid === actor.pid) {
    throw new ForbiddenError(
      'own_preparation',
      `No one approves their own preparation: you (${actor.pid}) prepared application ${id}. Another approver must approve it, or send it back.`,
    );
  }
  const preparation = prepared.preparation as Preparation;
  const form = begun.application.form as ApplicationForm;
  const agency = await agencyFor(trx, begun, form);

  const credentials: IssuedCredentials[] = [];
  const letterSystems: LetterSystem[] = [];
  const systemChanges: SystemChange[] = [];
  for (const system of preparation.systems) {
    if (system.clientId === null) {
      const fixed = options.fixedCredentials?.get(system.index);
      const clientId = fixed?.clientId ?? newClientId();
      const clientSecret = system.publicClient ? undefined : (fixed?.clientSecret ?? newClientSecret());
      const apiKey = fixed?.apiKey ?? newApiKey();
      const scopes = ['openid', ...system.scopes];
      await insertSystem(trx, agency.id, {
        clientId,
        name: system.name,
        purpose: preparation.purpose,
        redirectUris: system.redirectUris,
        scopes,
        tokenEndpointAuthMethod: system.publicClient ? 'none' : 'client_secret_basic',
        clientSecretHash: clientSecret === undefined ? null : hashCredential(clientSecret),
        wireProfile: system.profile,
        idTokenAlg: system.idTokenAlg,
        apiKeyHash: hashCredential(apiKey),
        dailyQuota: system.dailyQuota,
      });
      credentials.push({ index: system.index, clientId, name: system.name, clientSecret, apiKey, redirectUris: system.redirectUris, scopes, dailyQuota: system.dailyQuota, profile: system.profile, idTokenAlg: system.idTokenAlg });
      letterSystems.push({ clientId, name: system.name, change: 'new_system', redirectUris: system.redirectUris, dataItems: system.scopes, dailyQuota: system.dailyQuota });
      systemChanges.push({ clientId, change: 'new_system', dailyQuota: system.dailyQuota });
    } else {
      const current = await lockSystemOfAgency(trx, agency.id, system.clientId);
      if (!current) throw new ConflictError('no_such_system', `System ${system.clientId} is no longer a system of agency ${agency.id}: send the application back.`);
      if (current.status === 'cancelled') {
        throw new UnchangeableSystemError(
          'system_cancelled',
          `System ${system.clientId} (${current.name}) is cancelled, and cancellation is final: a change cannot extend it. Send the application back to be prepared without it, or reject it.`,
        );
      }
      const redirectUris = [...new Set([...current.redirect_uris, ...system.redirectUris])];
      const scopes = [...new Set([...current.scopes, ...system.scopes])];
      // A preparation that left the quota as it found it changes nothing, even if it moved since.
      const keepsQuota = system.currentDailyQuota !== undefined && system.dailyQuota === system.currentDailyQuota;
      const dailyQuota = keepsQuota ? current.daily_quota : system.dailyQuota;
      await extendSystem(trx, system.clientId, { redirectUris, scopes, dailyQuota: keepsQuota ? undefined : dailyQuota });
      letterSystems.push({ clientId: system.clientId, name: current.name, change: 'extended', redirectUris, dataItems: scopes.filter((scope) => scope !== 'openid'), dailyQuota });
      systemChanges.push({
        clientId: system.clientId,
        change: 'extended',
        dailyQuota: { before: current.daily_quota, after: dailyQuota },
        redirectUrisAdded: redirectUris.filter((uri) => !current.redirect_uris.includes(uri)),
        dataItemsAdded: scopes.filter((scope) => !current.scopes.includes(scope)),
      });
    }
  }

  const letter = await issueLetter(trx, {
    applicationId: id,
    agencyId: agency.id,
    agencyNameTh: agency.nameTh,
    agencyNameEn: agency.nameEn,
    purpose: preparation.purpose,
    systems: letterSystems,
    conditionsVersion: form.conditionsVersion!,
    preparedBy: prepared.actor_pid ?? prepared.actor_kind,
    approvedBy: actorName(actor),
  });
  // The administrator accepted the conditions on the form they submitted; that acceptance becomes the agency's
  // once it exists, unless a newer version has been published since (then the portal asks them again). It is
  // dated when they submitted it, not now.
  const administratorPid = begun.application.administrator_pid;
  if (administratorPid && form.conditionsVersion !== undefined) {
    const submitted = await latestEvent(trx, id, 'submit');
    await insertAcceptanceOfCurrent(trx, { agencyId: agency.id, version: form.conditionsVersion, pid: administratorPid, at: submitted?.at });
  }
  await recordTransition(trx, begun, 'approve', actor, { letterNumber: letter.number });
  return { ...begun, agencyId: agency.id, letter, credentials, systemChanges };
}

/** The agency the approval permits: made now for a new application, the existing one (not cancelled) for a change. */
async function agencyFor(trx: Kysely<Schema>, begun: Begun, form: ApplicationForm): Promise<{ id: string; nameTh: string; nameEn: string }> {
  const { application } = begun;
  if (application.kind === 'new') {
    const names = { nameTh: form.agency!.nameTh!, nameEn: form.agency!.nameEn! };
    const id = await insertAgency(trx, names);
    await setApplicationAgency(trx, application.id, id);
    return { id, ...names };
  }
  const agency = await lockAgencyWithNames(trx, application.agency_id!);
  if (agency.status === 'cancelled') {
    throw new ConflictError('cancelled', `Agency ${agency.id} was cancelled after the application was made, and cancellation is final: reject the application.`);
  }
  return { id: agency.id, nameTh: agency.name_th, nameEn: agency.name_en };
}

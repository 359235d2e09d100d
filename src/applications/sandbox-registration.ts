import type { Kysely } from 'kysely';
import { recordAuditEvent } from '../audit/record.ts';
import { currentConditions } from '../conditions/queries.ts';
import type { IdTokenAlg, Schema, WireProfile } from '../db/schema.ts';
import type { ApplicationActor } from './actors.ts';
import { approveStep } from './approval.ts';
import type { ApplicationForm } from './form.ts';
import { inTransaction } from './queries.ts';
import { createStep, prepareStep, submitStep } from './steps.ts';

/*
 * The sandbox operator's shortcut (`rp create`, POST /admin/api/relying-parties) and the demo relying party of a
 * first start. They take the same path as every agency: an application (of origin 'sandbox': it knows only the
 * names, the purpose, the system and its data items), submitted, prepared as asked and approved, with a permission
 * letter, all in one transaction. The admin token's registration is one action in the audit log.
 */

export interface RelyingPartyRequest {
  /** Agency name in Thai (or the only name given). */
  name: string;
  /** Agency name in English; defaults to `name`. */
  nameEn?: string | undefined;
  systemName?: string | undefined;
  purpose?: string | undefined;
  redirectUris: string[];
  /** Data items the system is approved for; `openid` is always included. */
  scopes: string[];
  /** A public client (a single-page or native app) has no secret and must use PKCE. */
  publicClient?: boolean | undefined;
  /** 'thaid' (default) behaves as the real service does; 'strict' as the standards are written. */
  profile?: WireProfile | undefined;
  /** How its ID tokens are signed; RS256 by default. */
  idTokenAlg?: IdTokenAlg | undefined;
}

/** Fixed credentials, for the documented demo relying party only. */
export interface DemoCredentials {
  clientId: string;
  clientSecret: string;
  apiKey: string;
}

export interface RelyingPartyCredentials {
  agencyId: string;
  clientId: string;
  /** Shown once; only its hash is stored. Absent for public clients. */
  clientSecret: string | undefined;
  /** Shown once, as the secret is; requests may carry it in x-imauth-apikey (or x-api-key). */
  apiKey: string;
  redirectUris: string[];
  scopes: string[];
  profile: WireProfile;
  idTokenAlg: IdTokenAlg;
  /** The application the registration made, and the permission letter that answers it. */
  applicationId: string;
  letterNumber: string;
}

/** The application a sandbox registration makes: what `rp create` knows, accepting the conditions in force. */
function sandboxForm(request: RelyingPartyRequest, conditionsVersion: number): ApplicationForm {
  return {
    kind: 'new',
    agency: { nameTh: request.name, nameEn: request.nameEn ?? request.name },
    purpose: request.purpose ?? `Sign-in to ${request.name}`,
    systems: [
      {
        name: request.systemName ?? request.name,
        redirectUris: [...new Set(request.redirectUris)],
        dataItems: [...new Set(request.scopes.filter((scope) => scope !== 'openid'))].map((scope) => ({ scope })),
        publicClient: request.publicClient ?? false,
        profile: request.profile ?? 'thaid',
        idTokenAlg: request.idTokenAlg ?? 'RS256',
      },
    ],
    conditionsVersion,
  };
}

/**
 * Registers a relying party through an application made, submitted, prepared as asked (no daily quota) and
 * approved by `actor`: the admin token (recorded in the audit log as relying_party.create, without the secret or
 * API key), or the first start for the demo relying party, with its fixed credentials.
 */
export async function registerSandboxRelyingParty(
  db: Kysely<Schema>,
  actor: { kind: 'admin_token' } | { kind: 'first_start' },
  request: RelyingPartyRequest,
  options: { demoCredentials?: DemoCredentials; requestId?: string | null } = {},
): Promise<RelyingPartyCredentials> {
  const applicant: ApplicationActor = actor;
  return inTransaction(db, async (trx) => {
    const { version } = await currentConditions(trx);
    const { id } = await createStep(trx, applicant, sandboxForm(request, version), 'sandbox');
    await submitStep(trx, applicant, id);
    await prepareStep(trx, applicant, id, { dailyQuota: null });
    const approved = await approveStep(trx, applicant, id, options.demoCredentials ? { fixedCredentials: new Map([[0, options.demoCredentials]]) } : {});
    const system = approved.credentials[0]!;
    const credentials: RelyingPartyCredentials = {
      agencyId: approved.agencyId,
      clientId: system.clientId,
      clientSecret: system.clientSecret,
      apiKey: system.apiKey,
      redirectUris: system.redirectUris,
      scopes: system.scopes,
      profile: system.profile,
      idTokenAlg: system.idTokenAlg,
      applicationId: id,
      letterNumber: approved.letter.number,
    };
    if (actor.kind === 'admin_token') {
      const { clientSecret: _secret, apiKey: _apiKey, ...shown } = credentials;
      await recordAuditEvent(trx, {
        actor: { kind: 'admin_token' },
        action: 'relying_party.create',
        target: { kind: 'relying_party', id: credentials.clientId },
        after: { ...shown, name: request.name, nameEn: request.nameEn ?? request.name, publicClient: credentials.clientSecret === undefined },
        requestId: options.requestId ?? null,
      });
    }
    return credentials;
  });
}

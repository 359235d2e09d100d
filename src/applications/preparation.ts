import { z } from 'zod';
import { redirectUri } from '../agencies/system-fields.ts';
import type { IdTokenAlg, WireProfile } from '../db/schema.ts';
import { InvalidRequestError } from '../errors.ts';
import type { ExistingSystems } from './changed-systems.ts';
import { askedScopes, type ApplicationForm } from './form.ts';

/*
 * A reviewer's preparation of a submitted application: exactly what the approval will permit. Each permitted
 * system is one the form asked for, with redirect URIs and data items among those it asked for (never more),
 * a daily quota, and the purpose. What is left out of the input is taken as asked: the redirect URIs and data
 * items asked, and for a new system the estimated transactions per day as the quota. An existing system keeps its
 * quota unless the input gives another: an estimate on a change form is no request to lower (or raise) it.
 */

const quota = z
  .number({ error: 'must be a whole number of sign-ins a day, or null for no limit' })
  .int('must be a whole number of sign-ins a day')
  .positive('must be at least 1')
  // As many as an application may estimate, and what the quota's column holds many times over.
  .max(100_000_000, 'must be at most 100,000,000 sign-ins a day (leave it blank for no limit)')
  .nullable();

const scopes = z.array(z.string()).transform((list) => list.filter((scope) => scope !== 'openid'));

export const preparationInput = z
  .object({
    purpose: z.string().trim().min(1, 'must not be empty').max(1000).optional().meta({ description: "the permitted purpose; the form's purpose when absent" }),
    scopes: scopes.optional().meta({ description: 'narrows every system to these data items (openid is always given); as asked when absent' }),
    dailyQuota: quota
      .optional()
      .meta({ description: 'every system’s daily quota; when absent, a new system’s estimated transactions per day, and an existing system’s quota as it is' }),
    systems: z
      .array(
        z.object({
          index: z.number().int().min(0).meta({ description: 'the system’s place in the form’s systems, from 0' }),
          redirectUris: z.array(redirectUri).optional().meta({ description: 'the exact redirect URIs permitted, among those asked; as asked when absent' }),
          scopes: scopes.optional().meta({ description: 'the data items permitted, among those asked; as asked when absent' }),
          dailyQuota: quota.optional().meta({ description: 'the system’s daily quota; as for dailyQuota above when absent' }),
        }),
      )
      .min(1, 'must permit at least one system (to permit none, reject the application)')
      .optional()
      .meta({ description: 'the systems permitted; every system asked for when absent' }),
    note: z.string().trim().min(1).max(2000).optional().meta({ description: "the reviewer's note for the approver" }),
  })
  .meta({ id: 'PreparationInput' });

export type PreparationInput = z.output<typeof preparationInput>;

export interface PreparedSystem {
  /** The system's place in the submitted form's systems. */
  index: number;
  /** The existing system a change extends; null for a new system. */
  clientId: string | null;
  name: string;
  /** Permitted: all of a new system's redirect URIs; for an existing system, those added. */
  redirectUris: string[];
  /** The data items permitted (for an existing system, those added); openid is always given and not listed. */
  scopes: string[];
  /** The quota after the approval: an existing system's changes only when this differs from currentDailyQuota. */
  dailyQuota: number | null;
  /** For an existing system: its quota when prepared. Absent for a new system, and in preparations made before it was kept. */
  currentDailyQuota?: number | null;
  publicClient: boolean;
  profile: WireProfile;
  idTokenAlg: IdTokenAlg;
}

export interface Preparation {
  purpose: string;
  systems: PreparedSystem[];
  note: string | null;
}

/**
 * The preparation the input describes for a submitted form. Throws InvalidRequestError listing every problem:
 * a system not in the form, a redirect URI or data item the system did not ask for.
 */
export function resolvePreparation(form: ApplicationForm, input: PreparationInput, existing: ExistingSystems): Preparation {
  const problems: string[] = [];
  const asked = form.systems ?? [];
  const chosen = input.systems ?? asked.map((_, index) => ({ index }) as NonNullable<PreparationInput['systems']>[number]);
  const seen = new Set<number>();
  const systems: PreparedSystem[] = [];

  for (const [at, choice] of chosen.entries()) {
    const system = asked[choice.index];
    if (!system) {
      problems.push(`systems.${at}.index: the form has no system ${choice.index} (it has ${asked.length}, from 0)`);
      continue;
    }
    if (seen.has(choice.index)) {
      problems.push(`systems.${at}.index: system ${choice.index} is listed twice`);
      continue;
    }
    seen.add(choice.index);
    const current = system.clientId === undefined ? undefined : existing.get(system.clientId);
    const label = `system ${choice.index} (${current?.name ?? system.name ?? system.clientId})`;
    const askedUris = system.redirectUris ?? [];
    const askedItems = askedScopes(system);
    const redirectUris = [...new Set(choice.redirectUris ?? askedUris)];
    for (const uri of redirectUris) {
      if (!askedUris.includes(uri)) problems.push(`systems.${at}.redirectUris: ${uri} was not asked for by ${label}; only ${askedUris.join(', ') || 'none'}`);
    }
    const scopesGiven = choice.scopes ?? (input.scopes ? askedItems.filter((item) => input.scopes!.includes(item)) : askedItems);
    const scopes = [...new Set(scopesGiven)];
    for (const scope of scopes) {
      if (!askedItems.includes(scope)) problems.push(`systems.${at}.scopes: cannot permit ${scope}: ${label} did not ask for it`);
    }
    if (system.clientId !== undefined && !current) {
      problems.push(`systems.${at}: ${system.clientId} is not a system of the agency`);
      continue;
    }
    if (system.clientId === undefined && redirectUris.length === 0) problems.push(`systems.${at}.redirectUris: a new system needs at least one redirect URI`);
    if (system.clientId !== undefined && redirectUris.length === 0 && scopes.length === 0) {
      problems.push(`systems.${at}: permits ${label} nothing more; leave the system out instead`);
    }
    const dailyQuota =
      choice.dailyQuota !== undefined
        ? choice.dailyQuota
        : input.dailyQuota !== undefined
          ? input.dailyQuota
          : current
            ? current.dailyQuota
            : (system.estimatedDailyTransactions ?? null);
    systems.push({
      index: choice.index,
      clientId: system.clientId ?? null,
      name: current?.name ?? system.name ?? system.clientId!,
      redirectUris,
      scopes,
      dailyQuota,
      ...(current ? { currentDailyQuota: current.dailyQuota } : {}),
      publicClient: system.publicClient ?? false,
      profile: system.profile ?? 'thaid',
      idTokenAlg: system.idTokenAlg ?? 'RS256',
    });
  }

  for (const scope of input.scopes ?? []) {
    if (!asked.some((system) => askedScopes(system).includes(scope))) problems.push(`scopes: cannot permit ${scope}: no system of the application asked for it`);
  }
  if (problems.length > 0) throw new InvalidRequestError(`The preparation permits what was not asked for, or is incomplete: ${problems.join('; ')}.`, { problems });
  const purpose = input.purpose ?? form.purpose;
  if (purpose === undefined) throw new InvalidRequestError('The preparation needs a purpose: the form has none.');
  return { purpose, systems, note: input.note ?? null };
}

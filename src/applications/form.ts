import { z } from 'zod';
import { idTokenAlg, redirectUri, wireProfile } from '../agencies/system-fields.ts';
import { pidParam } from '../registry/citizen-schema.ts';
import { claimScopes } from '../oidc/scopes.ts';
import { controlCharactersRefused, isLinesOfText, isOneLine } from '../http/typed-text.ts';

/*
 * The request form an agency fills in to use the service (the data-exchange request form, and clause 4 of the
 * announcements: mission, reasons, purpose and consent to the conditions). One schema serves drafts and
 * submissions: every field may be missing from a draft, but what is there must be valid, and the form must not
 * contradict itself. missingForSubmission lists what a submission still lacks.
 */

const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`).refine(isOneLine, controlCharactersRefused);
/** A text of several lines (a textarea of the form): line breaks are kept. */
const lines = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`).refine(isLinesOfText, controlCharactersRefused);

/** A host name such as dopa.go.th: the agency's own domain, on which its people's e-mail addresses must be. */
const domainName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    'must be a domain name such as dopa.go.th, without @, http:// or a path',
  )
  .meta({ description: "the agency's own internet domain; the administrator's and the contact's e-mail must be on it", example: 'bora.dopa.go.th' });

const phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9 ()-]*[0-9]$/, 'must be a phone number of digits, spaces and dashes, such as 02-791-7000 or 081-234-5678')
  .refine((value) => {
    const digits = value.replace(/\D/g, '').length;
    return digits >= 9 && digits <= 15;
  }, 'must have 9 to 15 digits')
  .meta({ example: '02-791-7000' });

const email = z.email('must be an e-mail address such as somchai.j@agency.go.th').max(254).meta({ description: "on the agency's domain" });

const person = z.object({
  name: text(200).optional(),
  position: text(200).optional(),
  phone: phone.optional(),
  email: email.optional(),
});

const administrator = person.extend({
  pid: pidParam.optional().meta({
    description: 'the citizen ID of the administrator, who acts for the agency in its portal (set to the signed-in citizen in the portal)',
  }),
  nameEn: text(200).optional().meta({ description: "the administrator's name in English" }),
});

const agencyTypes = ['state', 'private'] as const;

const agency = z.object({
  nameTh: text(200).optional(),
  nameEn: text(200).optional(),
  abbreviationTh: text(50).optional(),
  abbreviationEn: text(50).optional(),
  type: z
    .enum(agencyTypes, { message: 'must be state or private' })
    .optional()
    .meta({
      description:
        'as the 2024 announcement defines them: state is a government agency, a state enterprise, an organ of parliament, the courts, ' +
        'an independent constitutional organisation or the public prosecutors, or another state juristic person; private is a private juristic person',
    }),
  ministry: text(200).optional().meta({ description: 'for a state agency: the ministry or department it is under' }),
  domain: domainName.optional(),
  address: lines(500).optional(),
});

const dataItemRequest = z.object({
  scope: z
    .string()
    .refine((scope) => claimScopes.includes(scope), `must be one of the data items: ${claimScopes.join(', ')}`)
    .meta({ description: 'a data item of the profile (openid is always given and is not asked for)' }),
  reason: lines(1000).optional().meta({ description: 'why the system needs it' }),
});

const systemUses = ['api', 'website'] as const;

const systemRequest = z
  .object({
    clientId: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .meta({ description: 'for a change: the existing system of the agency that asks for more (redirect URIs, data items); absent for a new system' }),
    name: text(200).optional(),
    use: z.enum(systemUses, { message: 'must be api or website' }).optional().meta({ description: 'how the system is used: api or website' }),
    redirectUris: z.array(redirectUri).max(20, 'must be at most 20').optional().meta({ description: 'for a change of an existing system: the redirect URIs it asks to add' }),
    dataItems: z.array(dataItemRequest).max(claimScopes.length).optional().meta({ description: 'for a change of an existing system: the data items it asks to add' }),
    estimatedDailyTransactions: z
      .number({ error: 'must be a whole number of sign-ins a day' })
      // Past 2^53 a number is no longer a whole number JavaScript can hold, and the maximum would say so again.
      .int({ message: 'must be a whole number of sign-ins a day', abort: true })
      .positive('must be at least 1')
      .max(100_000_000, 'must be at most 100,000,000 sign-ins a day')
      .optional(),
    publicClient: z.boolean().optional().meta({ description: 'a single-page or native app, with no secret (it must use PKCE)' }),
    profile: wireProfile.optional(),
    idTokenAlg: idTokenAlg.optional(),
  })
  .superRefine((system, ctx) => {
    const uris = system.redirectUris ?? [];
    uris.forEach((uri, i) => {
      if (uris.indexOf(uri) !== i) ctx.addIssue({ code: 'custom', path: ['redirectUris', i], message: `${uri} is listed twice` });
    });
    const scopes = (system.dataItems ?? []).map((item) => item.scope);
    scopes.forEach((scope, i) => {
      if (scopes.indexOf(scope) !== i) ctx.addIssue({ code: 'custom', path: ['dataItems', i, 'scope'], message: `${scope} is asked for twice` });
    });
  });

export const applicationForm = z
  .object({
    kind: z
      .enum(['new', 'change'], { message: 'must be new (a new agency) or change (of an agency already permitted)' })
      .default('new')
      .meta({ description: 'new: a new agency; change: an agency already permitted asks for another redirect URI, more data items, or a new system' }),
    agencyId: z.uuid('must be the id of an agency').optional().meta({ description: 'for a change: the agency it changes' }),
    agency: agency.optional(),
    administrator: administrator.optional(),
    contact: person.optional().meta({ description: 'who to contact about the application' }),
    purpose: lines(1000).optional().meta({ description: 'what the agency uses sign-in with ThaID for: its service or system' }),
    systems: z.array(systemRequest).max(10, 'must be at most 10 systems in one application').optional(),
    startDate: z.iso.date('must be a date, YYYY-MM-DD').optional().meta({ description: 'when the agency wants to start' }),
    accessControllers: z
      .array(z.object({ name: text(200), position: text(200) }))
      .max(20)
      .optional()
      .meta({ description: "the staff the agency appoints to control and monitor its people's access to the data (clause 9)" }),
    conditionsVersion: z
      .number({ error: 'must be the number of a version of the conditions of use' })
      .int()
      .positive()
      .optional()
      .meta({ description: 'the version of the conditions of use the administrator accepts: the current one when submitted' }),
    remarks: lines(2000).optional(),
  })
  .superRefine((form, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (form.kind === 'new' && form.agencyId !== undefined) issue(['agencyId'], 'is only for a change: a new application creates its agency');
    if (form.kind === 'new') {
      form.systems?.forEach((system, i) => {
        if (system.clientId !== undefined) issue(['systems', i, 'clientId'], 'names an existing system, which only a change does: leave it out for a new agency');
      });
    }
    const domain = form.agency?.domain;
    if (domain !== undefined) {
      for (const who of ['administrator', 'contact'] as const) {
        const address = form[who]?.email;
        if (address !== undefined && !isOnDomain(address, domain)) issue([who, 'email'], `must be an address on the agency's domain ${domain}`);
      }
    }
  })
  .meta({ id: 'ApplicationForm' });

export type ApplicationForm = z.output<typeof applicationForm>;

/** Whether an e-mail address is on the domain or one of its subdomains. */
function isOnDomain(address: string, domain: string): boolean {
  const host = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  const own = domain.toLowerCase();
  return host === own || host.endsWith(`.${own}`);
}

/**
 * An application made with the request form ('form'), or the sandbox operator's shortcut ('sandbox': `rp create`
 * and the demo relying party), which knows only the agency's names, the purpose, the systems and their data items.
 */
export type ApplicationOrigin = 'form' | 'sandbox';

/** Something a submission still lacks: where in the form, and what is needed. */
export interface MissingField {
  path: string;
  message: string;
}

/** What a submission still lacks; empty when the form is complete. */
export function missingForSubmission(form: ApplicationForm, origin: ApplicationOrigin): MissingField[] {
  const missing: MissingField[] = [];
  const need = (value: unknown, path: string, message = 'is required') => {
    if (value === undefined || (Array.isArray(value) && value.length === 0)) missing.push({ path, message });
  };
  need(form.agency?.nameTh, 'agency.nameTh');
  need(form.agency?.nameEn, 'agency.nameEn');
  need(form.purpose, 'purpose');
  need(form.conditionsVersion, 'conditionsVersion', 'is required: accept the current conditions of use');
  if (form.kind === 'change') need(form.agencyId, 'agencyId', 'is required for a change: the agency it changes');
  need(form.systems, 'systems', 'needs at least one system');
  const full = origin === 'form';
  (form.systems ?? []).forEach((system, i) => {
    const at = `systems.${i}`;
    if (system.clientId !== undefined) {
      if (!system.redirectUris?.length && !system.dataItems?.length) {
        missing.push({ path: at, message: 'asks for nothing: name the redirect URIs or data items to add to the system' });
      }
    } else {
      need(system.name, `${at}.name`);
      need(system.redirectUris, `${at}.redirectUris`, 'needs at least one redirect URI');
      if (full) need(system.use, `${at}.use`, 'is required: api or website');
    }
    if (full) {
      need(system.estimatedDailyTransactions, `${at}.estimatedDailyTransactions`);
      (system.dataItems ?? []).forEach((item, j) => need(item.reason, `${at}.dataItems.${j}.reason`, `is required: say why the system needs ${item.scope}`));
    }
  });
  if (!full) return missing;
  need(form.agency?.type, 'agency.type', 'is required: state or private');
  if (form.agency?.type === 'state') need(form.agency.ministry, 'agency.ministry', 'is required for a state agency');
  need(form.agency?.domain, 'agency.domain');
  need(form.agency?.address, 'agency.address');
  for (const field of ['pid', 'name', 'position', 'phone', 'email'] as const) need(form.administrator?.[field], `administrator.${field}`);
  for (const field of ['name', 'position', 'phone', 'email'] as const) need(form.contact?.[field], `contact.${field}`);
  need(form.startDate, 'startDate');
  need(form.accessControllers, 'accessControllers', 'needs at least one person appointed to control access to the data (clause 9)');
  return missing;
}

/** The data items a system of the form asks for, in the order asked. */
export const askedScopes = (system: { dataItems?: { scope: string }[] | undefined }): string[] => (system.dataItems ?? []).map((item) => item.scope);

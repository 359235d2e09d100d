import { z } from 'zod';
import { idTokenAlg, wireProfile } from '../agencies/system-fields.ts';
import { pageSize, strictQuery } from '../http/query-schemas.ts';
import { applicationForm } from './form.ts';

/* The admin API's bodies and answers for applications and permission letters. */

export const applicationStatuses = ['draft', 'submitted', 'changes_requested', 'prepared', 'approved', 'rejected'] as const;
const status = z.enum(applicationStatuses, { message: `must be one of ${applicationStatuses.join(', ')}` });
const transition = z.enum(['create', 'submit', 'request_changes', 'reject', 'prepare', 'return', 'approve']);

export const applicationListQuery = strictQuery({
  status: status.optional().meta({ description: 'only applications in this status' }),
  agency: z.uuid('must be the id of an agency').optional().meta({ description: 'only the applications of this agency' }),
  q: z.string().trim().min(1, 'must not be empty').max(200).optional().meta({ description: "words in the agency's names or abbreviations, Thai or English" }),
  limit: pageSize(1000, 200).meta({ description: 'applications on the page, newest first' }),
});

export const letterListQuery = strictQuery({
  agency: z.uuid('must be the id of an agency').optional().meta({ description: 'only the letters of this agency' }),
});

export const applicationParams = z.object({ id: z.string().meta({ description: "the application's id" }) });
export const letterParams = z.object({ number: z.string().meta({ description: "the letter's number", example: 'DOPA-DID-2569-0001' }) });

const message = z
  .string({ error: 'is required: say what to change, for the agency to read' })
  .trim()
  .min(1, 'must not be empty: say what to change, for the agency to read')
  .max(4000, 'must be at most 4000 characters');

export const requestChangesBody = z.object({ message });
export const returnBody = z.object({
  message: z
    .string({ error: 'is required: say why it goes back to be prepared again' })
    .trim()
    .min(1, 'must not be empty: say why it goes back to be prepared again')
    .max(4000),
});
export const rejectBody = z.object({
  reasons: z
    .array(z.string().trim().min(1, 'must not be empty').max(2000), { error: 'is required: a list of the reasons, for the agency to read' })
    .min(1, 'give at least one reason')
    .max(20),
});

const actor = z.object({
  kind: z.enum(['admin_token', 'staff', 'agency', 'first_start']),
  pid: z.string().nullable().meta({ description: "the person's citizen ID; null for the admin token and the first start" }),
  role: z.string().nullable().meta({ description: 'reviewer or approver for staff, agency_admin for an agency’s administrator; null otherwise' }),
});

const preparedSystem = z.object({
  index: z.number().int().meta({ description: 'the system’s place in the form’s systems, from 0' }),
  clientId: z.string().nullable().meta({ description: 'the existing system a change extends; null for a new system' }),
  name: z.string(),
  redirectUris: z.array(z.string()).meta({ description: 'exactly the redirect URIs permitted (for an existing system, those added)' }),
  scopes: z.array(z.string()).meta({ description: 'the data items permitted (for an existing system, those added); openid is always given' }),
  dailyQuota: z.number().int().nullable().meta({ description: 'sign-ins a day after the approval; null for no limit' }),
  currentDailyQuota: z
    .number()
    .int()
    .nullable()
    .optional()
    .meta({ description: 'for an existing system: its quota when prepared, which the approval changes only if dailyQuota differs' }),
  publicClient: z.boolean(),
  profile: wireProfile,
  idTokenAlg,
});

export const preparation = z
  .object({ purpose: z.string(), systems: z.array(preparedSystem), note: z.string().nullable() })
  .meta({ id: 'Preparation' });

const event = z.object({
  id: z.string().meta({ description: 'increasing with time' }),
  transition,
  from: status.nullable().meta({ description: 'null for the creation' }),
  to: status,
  actor,
  at: z.iso.datetime(),
  message: z.string().nullable().meta({ description: 'request_changes and return: what to change; prepare: the note' }),
  reasons: z.array(z.string()).nullable().meta({ description: 'reject: why' }),
  form: applicationForm.nullable().meta({ description: 'submit: the form as submitted' }),
  preparation: preparation.nullable().meta({ description: 'prepare: what the approval will permit' }),
  letterNumber: z.string().nullable().meta({ description: 'approve: the letter it issued' }),
});

const letterSystem = z.object({
  clientId: z.string(),
  name: z.string(),
  change: z.enum(['new_system', 'extended']).meta({ description: 'new_system: made by this approval; extended: permitted more' }),
  redirectUris: z.array(z.string()).meta({ description: 'every redirect URI the system is permitted, after the approval' }),
  dataItems: z.array(z.string()).meta({ description: 'every data item the system is permitted, after the approval (openid is always given)' }),
  dailyQuota: z.number().int().nullable(),
});

export const permissionLetter = z
  .object({
    number: z.string().meta({ description: 'DOPA-DID-<Buddhist-era year>-<sequence>, counted from 0001 each year without gaps', example: 'DOPA-DID-2569-0001' }),
    yearBe: z.number().int(),
    sequence: z.number().int(),
    applicationId: z.string().meta({ description: 'the application it answers' }),
    agencyId: z.string(),
    agencyNameTh: z.string(),
    agencyNameEn: z.string(),
    issuedAt: z.iso.datetime(),
    issuedOn: z.iso.date().meta({ description: 'the date the letter bears, in Thailand' }),
    purpose: z.string().meta({ description: 'the permitted purpose' }),
    systems: z.array(letterSystem),
    dataItems: z.array(z.string()).meta({ description: 'every data item the letter permits, over its systems' }),
    conditionsVersion: z.number().int().meta({ description: 'the version of the conditions of use the agency accepted' }),
    preparedBy: z.string().meta({ description: 'admin_token, first_start, or the citizen ID of the reviewer' }),
    approvedBy: z.string().meta({ description: 'admin_token, first_start, or the citizen ID of the approver' }),
  })
  .meta({ id: 'PermissionLetter' });

const applicationSummary = z.object({
  id: z.string(),
  kind: z.enum(['new', 'change']),
  origin: z.enum(['form', 'sandbox']).meta({ description: 'form: the whole request form; sandbox: rp create or the demo relying party' }),
  status,
  agencyId: z.string().nullable().meta({ description: 'for a change, the agency it changes; for a new agency, the agency once approved' }),
  administratorPid: z.string().nullable().meta({ description: "the agency's administrator named on it; null for the sandbox's" }),
  agencyNameTh: z.string().nullable(),
  agencyNameEn: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export const applicationDetail = applicationSummary
  .extend({
    form: applicationForm,
    missing: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .meta({ description: 'what a submission still lacks, while the form can be edited; empty otherwise' }),
    preparation: preparation.nullable().meta({ description: 'what the approval permits (or will), while prepared and once approved' }),
    events: z.array(event).meta({ description: 'every transition, oldest first' }),
    letters: z.array(permissionLetter),
  })
  .meta({ id: 'Application' });

export const applicationList = z.object({ applications: z.array(applicationSummary).meta({ description: 'newest first' }) });
export const letterList = z.object({ letters: z.array(permissionLetter).meta({ description: 'newest first' }) });

export const approvalAnswer = z.object({
  application: applicationDetail,
  letter: permissionLetter,
  credentials: z
    .array(
      z.object({
        index: z.number().int(),
        clientId: z.string(),
        name: z.string(),
        clientSecret: z.string().optional().meta({ description: 'shown once, only its hash is kept; absent for a public client' }),
        apiKey: z.string().meta({ description: 'shown once; requests may carry it in x-imauth-apikey (or x-api-key)' }),
        redirectUris: z.array(z.string()),
        scopes: z.array(z.string()),
        dailyQuota: z.number().int().nullable(),
        profile: wireProfile,
        idTokenAlg,
      }),
    )
    .meta({ description: 'each new system’s credentials, shown this once; none for a change that only extends systems' }),
});

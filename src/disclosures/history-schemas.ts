import { z } from 'zod';
import { releasableScopes } from '../oidc/scopes.ts';
import { filterYearsText, inFilterYears } from '../http/filter-years.ts';
import { pageSize, strictQuery } from '../http/query-schemas.ts';

/*
 * The history's query parameters and answers, as the device and admin APIs parse and document them. Query
 * parameters are strict: a misspelt filter is refused rather than silently ignored.
 */

const wholeNumber = (max: number, fallback: number) => pageSize(max, fallback).meta({ description: `entries on the page, 1 to ${max}; ${fallback} when absent` });

const cursor = z
  .string({ error: 'must be given once' })
  .regex(/^\d{1,16}$/, 'must be the nextCursor of the previous page, as it was given')
  .optional()
  .meta({ description: 'the nextCursor of the previous page: the page continues with the entries older than it; absent for the newest page' });

const historyItemScopes = ['openid', ...releasableScopes] as const;

const isDateOrInstant = (value: string) => z.iso.date().safeParse(value).success || z.iso.datetime({ offset: true }).safeParse(value).success;
const periodBound = (what: string) =>
  z
    .string({ error: 'must be given once' })
    .refine((v) => isDateOrInstant(v) && inFilterYears(v), `must be a date (2025-06-01) or a date-time with its offset (2025-06-01T09:00:00+07:00 or …Z), ${filterYearsText}`)
    .optional()
    .meta({ description: what, example: '2025-06-01' });

export const historyQuery = strictQuery({
  limit: wholeNumber(200, 50),
  cursor,
  agency: z
    .guid({ error: "must be an agency ID (a UUID), as entries name it in agency.id" })
    // Entries name agencies as the database writes a UUID, in small letters; a UUID in capitals is the same one.
    .transform((id) => id.toLowerCase())
    .optional()
    .meta({ description: "only this agency's entries: its ID, as entries give it in agency.id" }),
  item: z
    .enum(historyItemScopes, { error: `must be a data item by its scope name: ${historyItemScopes.join(', ')}` })
    .optional()
    .meta({ description: 'only entries that name this data item (openid: the sign-in itself)' }),
  from: periodBound('only entries written from this date (its start, in Thailand, UTC+7) or instant on'),
  to: periodBound('only entries written up to this date (to its end, in Thailand, UTC+7) or before this instant'),
});

export const adminHistoryQuery = strictQuery({ limit: wholeNumber(1000, 50), cursor });

export const historyExportQuery = strictQuery({
  format: z
    .enum(['json', 'csv'], { error: 'must be json or csv' })
    .default('json')
    .meta({ description: 'json (the default) or csv (UTF-8, a header row, RFC 4180 quoting)' }),
});

const historyItem = z
  .object({
    scope: z.string().meta({ description: 'the data item by its scope name; openid is the sign-in itself', example: 'pid' }),
    th: z.string().optional().meta({ description: 'its label in Thai, as the citizen was asked for it', example: 'เลขประจำตัวประชาชน' }),
    en: z.string().optional().meta({ description: 'its label in English', example: 'Citizen ID number' }),
  })
  .meta({ id: 'HistoryItem' });

const leafIndex = z.number().int().meta({ description: "the entry's index in the disclosure ledger (its leaf)" });
const entryFields = {
  at: z.iso.datetime().meta({ description: 'when the server wrote the entry (UTC)' }),
  agency: z.object({
    id: z.string(),
    th: z.string().meta({ description: "the agency's name in Thai, as it was when the entry was written" }),
    en: z.string(),
  }),
  system: z.object({
    clientId: z.string().meta({ description: "the agency's system: its OIDC client" }),
    name: z.string(),
  }),
  items: z.array(historyItem).meta({ description: 'the data items released or asked for: never their values' }),
  purpose: z.string().meta({ description: 'what the system was approved for' }),
};

const historyEntry = z
  .discriminatedUnion('kind', [
    z.object({
      leafIndex,
      kind: z.literal('disclosure').meta({ description: "a release of the citizen's data to the system" }),
      ...entryFields,
      endpoint: z.enum(['token', 'userinfo']).meta({ description: 'the answer that carried the data: the token response or userinfo' }),
    }),
    z.object({
      leafIndex,
      kind: z.literal('event').meta({ description: "the citizen's answer to a request, on their device" }),
      ...entryFields,
      event: z
        .enum(['approved', 'denied', 'wrong_pin', 'pin_locked', 'reported', 'wrong_number', 'device_enrolled', 'enrolment_failed', 'device_removed', 'consent_withdrawn'])
        .meta({
          description:
            "what the citizen did; reported: they said the sign-in was not theirs (\"this wasn't me\"); wrong_number: they picked a number the sign-in screen did not show, which refused it; device_enrolled: a phone was enrolled for them (by DOPA's ThaID); enrolment_failed: someone tried to enrol a phone with their card data and failed; device_removed: they removed ThaID from a phone, which stopped being their device; consent_withdrawn: they withdrew, on their phone, what they had granted the system (items: the data items it may no longer receive)",
        }),
    }),
  ])
  .meta({ id: 'HistoryEntry' });

export const historyPage = z.object({
  entries: z.array(historyEntry).meta({ description: 'newest first' }),
  nextCursor: z.string().nullable().meta({ description: 'pass it as cursor (with the same filters) for the next page; null on the last page' }),
});

export const historyExport = z.object({
  pid: z.string(),
  exportedAt: z.iso.datetime(),
  entries: z.array(historyEntry).meta({ description: 'the whole history, newest first' }),
});

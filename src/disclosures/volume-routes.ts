import Router from '@koa/router';
import type { Context } from 'koa';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { adminApi } from '../admin/admin-api.ts';
import { requireAdminToken } from '../admin/require-admin-token.ts';
import { agencyApi } from '../agencies/agency-api.ts';
import { hashCredential, systemSecretMatches } from '../agencies/client-credentials.ts';
import { findActiveSystem, type ActiveSystem } from '../agencies/queries.ts';
import type { Schema } from '../db/schema.ts';
import { ForbiddenError, InvalidClientError } from '../errors.ts';
import { declareRoute } from '../http/api-routes.ts';
import { filterYearsText, inFilterYears } from '../http/filter-years.ts';
import { strictQuery } from '../http/query-schemas.ts';
import { clientAuthFailureDescription } from '../oidc/client-auth-failures.ts';
import { volumeChartSvg } from './volume-chart.ts';
import { agencyVolume, allAgenciesVolume, nextDay, todayInThailand, VOLUME_TIME_ZONE, type DayRange } from './volume-queries.ts';

/** The longest range one request may ask for, in days. */
const MAX_RANGE_DAYS = 366;
/** The range when none is given: the last 30 days, today included. */
const DEFAULT_DAYS = 30;

const isRealDate = (value: string) => {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
};

/*
 * A calendar day can still name a year the database refuses (year 0) or one whose next day is past 9999, where
 * ISO text takes six digits and the chart's walk from day to day never reaches the end of the range: a range is
 * refused unless it lies in the years any filter takes.
 */
const day = z
  .string({ error: 'must be given once' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date written YYYY-MM-DD, such as 2025-03-01', abort: true })
  .refine(isRealDate, { message: 'is not a day of the calendar (check the month and the day)', abort: true })
  .refine(inFilterYears, { message: `must be a day ${filterYearsText}`, abort: true });

const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;

/** The range a query asks for, the defaults filled in: `to` today (in Thailand), `from` 29 days before `to`. */
export function rangeOf(query: { from?: string | undefined; to?: string | undefined }, today = todayInThailand()): DayRange {
  const to = query.to ?? (query.from && query.from > today ? query.from : today);
  const from = query.from ?? nextDay(to, 1 - DEFAULT_DAYS);
  return { from, to };
}

export const volumeQuery = strictQuery({
  from: day.optional().meta({ description: 'the first day counted, YYYY-MM-DD in Thai time (UTC+7); 29 days before `to` when absent' }),
  to: day.optional().meta({ description: 'the last day counted, YYYY-MM-DD in Thai time, included; today when absent' }),
}).superRefine((query, context) => {
  const { from, to } = rangeOf(query);
  if (from > to) {
    context.addIssue({ code: 'custom', path: ['to'], message: `must not be before from (${from}): give the earlier day as from and the later one as to` });
  } else if (daysBetween(from, to) > MAX_RANGE_DAYS) {
    context.addIssue({
      code: 'custom',
      path: ['to'],
      message: `from ${from} to ${to} is ${daysBetween(from, to)} days; ask for at most ${MAX_RANGE_DAYS} days at a time (to=${nextDay(from, MAX_RANGE_DAYS - 1)} at the latest), and split a longer period into several requests`,
    });
  }
});

const agencyName = z.object({
  id: z.string().meta({ description: 'the agency id' }),
  th: z.string().meta({ description: "the agency's name in Thai" }),
  en: z.string().meta({ description: "the agency's name in English" }),
});

const rangeFields = {
  from: z.string().meta({ description: 'the first day counted (YYYY-MM-DD)' }),
  to: z.string().meta({ description: 'the last day counted, included (YYYY-MM-DD)' }),
  timeZone: z.literal(VOLUME_TIME_ZONE).meta({ description: 'days begin at midnight in this time zone' }),
};

const count = z.number().int().nonnegative();

export const agencyCounts = z
  .object({
    agency: agencyName,
    ...rangeFields,
    days: z
      .array(z.object({ date: z.string(), item: z.string().meta({ description: 'a data item, by scope name (openid: the sign-in itself)' }), count }))
      .meta({ description: 'per day and data item, how many disclosures carried it; days and items without any are left out' }),
    totals: z.object({
      disclosures: count.meta({ description: 'disclosures in the range (one disclosure may carry several items)' }),
      items: z.array(z.object({ item: z.string(), count })).meta({ description: 'per data item, over the whole range' }),
    }),
  })
  .meta({ id: 'AgencyDisclosureCounts' });

export const staffVolume = z
  .object({
    ...rangeFields,
    total: count.meta({ description: 'disclosures in the range, all agencies together' }),
    agencies: z
      .array(
        z.object({
          agency: agencyName,
          total: count,
          days: z.array(z.object({ date: z.string(), count })).meta({ description: 'days without any are left out' }),
        }),
      )
      .meta({ description: 'the agencies that had any disclosure in the range, most first' }),
  })
  .meta({ id: 'DisclosureVolume' });

const agencyParams = z.object({ agencyId: z.string().meta({ description: "the agency id (the relying party's agencyId)" }) });

const badRange = `invalid_request: from or to is not a day written YYYY-MM-DD, from is after to, or the range is longer than ${MAX_RANGE_DAYS} days`;

const ownCounts = declareRoute(agencyApi, {
  method: 'get',
  path: '/agency/disclosures',
  summary: "Disclosures to the authenticated system's agency, per day and data item",
  description: `Counts for every system of the agency the authenticating system belongs to, never another agency's, and never who
the citizens were. Days are Thai days (UTC+7).`,
  request: { query: volumeQuery },
  responses: { 200: { description: 'The counts', body: agencyCounts }, 400: badRange },
});

const countsOfAgency = declareRoute(agencyApi, {
  method: 'get',
  path: '/agencies/:agencyId/disclosures',
  summary: 'The same counts, for the agency named in the path, which must be the authenticated system’s',
  request: { query: volumeQuery, params: agencyParams },
  responses: {
    200: { description: 'The counts', body: agencyCounts },
    400: badRange,
    403: "forbidden: the agency is not the authenticated system's own",
  },
});

const staffCounts = declareRoute(adminApi, {
  method: 'get',
  path: '/disclosures/volume',
  summary: 'Disclosures per agency per day, all agencies (counts only)',
  request: { query: volumeQuery },
  responses: { 200: { description: 'The counts', body: staffVolume }, 400: badRange },
});

const staffChart = declareRoute(adminApi, {
  method: 'get',
  path: '/disclosures/volume.svg',
  summary: 'The same counts drawn as a chart: one line per agency, with a legend (an SVG document)',
  description: `A standalone SVG document that loads nothing from elsewhere, for a staff page to embed (as an <img>, say). The
eight agencies with the most disclosures get lines of their own; the rest are summed into one.`,
  request: { query: volumeQuery },
  responses: { 200: { description: 'The chart', body: z.string(), mediaType: 'image/svg+xml' }, 400: badRange },
});

const challenge = 'Basic realm="thaid-emulator agency API", charset="UTF-8"';
// Compared against when the client is unknown, so a wrong client id takes as long as a wrong secret.
const noSecret = hashCredential('no client has this secret');

/** application/x-www-form-urlencoded, as RFC 6749 section 2.3.1 has client_secret_basic encode both parts. */
function formDecoded(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replace(/\+/g, '%20'));
  } catch {
    return undefined;
  }
}

/** The active, confidential system whose client credentials the request carries, as the token endpoint checks them. */
async function authenticatedSystem(db: Kysely<Schema>, ctx: Context): Promise<ActiveSystem> {
  const refuse = (message: string) => new InvalidClientError(message, challenge);
  const [scheme, token, ...rest] = ctx.get('authorization').trim().split(/\s+/);
  if (scheme?.toLowerCase() !== 'basic' || !token || rest.length) {
    throw refuse("Authenticate with the client credentials of one of your agency's systems: \"Authorization: Basic base64(client_id:client_secret)\", as at the token endpoint.");
  }
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const clientId = colon < 0 ? undefined : formDecoded(decoded.slice(0, colon));
  const secret = colon < 0 ? undefined : formDecoded(decoded.slice(colon + 1));
  if (!clientId || secret === undefined) throw refuse('The Basic credentials must be client_id:client_secret, base64-encoded.');
  // No client id holds a NUL (PostgreSQL text cannot): such a one is refused as any unknown client is, unlooked-up.
  const system = clientId.includes('\0') ? undefined : await findActiveSystem(db, clientId);
  if (system && system.client_secret_hash === null) {
    throw refuse('This system is a public client, which has no secret: read the counts with the credentials of one of your confidential systems.');
  }
  // An unknown client costs a hash comparison as a known one does, so the time taken does not tell them apart.
  const matches = systemSecretMatches(secret, { current: system?.client_secret_hash ?? noSecret, livePrevious: system?.live_previous_secret_hash });
  if (!system || !matches) {
    throw refuse(clientAuthFailureDescription);
  }
  return system;
}

async function countsFor(db: Kysely<Schema>, system: ActiveSystem, range: DayRange) {
  const counts = await agencyVolume(db, system.agency_id, range);
  return {
    agency: { id: system.agency_id, th: system.agency_name_th, en: system.agency_name_en },
    ...range,
    timeZone: VOLUME_TIME_ZONE,
    ...counts,
  };
}

/** An agency's own counts, read with one of its systems' client credentials. */
export function agencyVolumeRoutes(deps: { db: Kysely<Schema> }): Router {
  const router = new Router({ prefix: agencyApi.info.prefix });

  router.get(ownCounts.path, async (ctx) => {
    const system = await authenticatedSystem(deps.db, ctx);
    const range = rangeOf(ownCounts.request.query.parse(ctx.query));
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await countsFor(deps.db, system, range);
  });

  router.get(countsOfAgency.path, async (ctx) => {
    const system = await authenticatedSystem(deps.db, ctx);
    const { agencyId } = countsOfAgency.request.params.parse(ctx.params);
    if (agencyId.toLowerCase() !== system.agency_id.toLowerCase()) {
      throw new ForbiddenError('forbidden', "These credentials read their own agency's counts only; use GET /api/agency/disclosures for them.");
    }
    const range = rangeOf(countsOfAgency.request.query.parse(ctx.query));
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await countsFor(deps.db, system, range);
  });

  return router;
}

/** Every agency's counts, for staff, on the admin API. */
export function staffVolumeRoutes(deps: { db: Kysely<Schema>; adminToken: string }): Router {
  const router = new Router({ prefix: adminApi.info.prefix });
  router.use(requireAdminToken(deps.adminToken));

  const volume = async (query: unknown) => {
    const range = rangeOf(staffCounts.request.query.parse(query));
    const agencies = await allAgenciesVolume(deps.db, range);
    return { ...range, timeZone: VOLUME_TIME_ZONE, total: agencies.reduce((sum, a) => sum + a.total, 0), agencies };
  };

  router.get(staffCounts.path, async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await volume(ctx.query);
  });

  router.get(staffChart.path, async (ctx) => {
    const counts = await volume(ctx.query);
    ctx.set('Cache-Control', 'no-store');
    // The chart is an image: were it opened as a document, it could still run nothing.
    ctx.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
    ctx.type = 'image/svg+xml; charset=utf-8';
    ctx.body = volumeChartSvg(counts);
  });

  return router;
}

/** Disclosure counts: an agency's own, and every agency's for staff. */
export function volumeRoutes(deps: { db: Kysely<Schema>; adminToken: string }): Router {
  const router = new Router();
  router.use(agencyVolumeRoutes(deps).routes());
  router.use(staffVolumeRoutes(deps).routes());
  return router;
}

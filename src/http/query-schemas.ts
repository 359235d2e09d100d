import { z } from 'zod';
import { filterYearsText, inFilterYears } from './filter-years.ts';

/*
 * What every query string of the APIs shares: unknown parameters are refused (a misspelt filter is never just
 * ignored), naming those the address takes, and a page size, a starting time and a cursor each say what they take in
 * one wording.
 */

/** A query that refuses parameters it does not know, naming those it does. */
export const strictQuery = <Shape extends z.core.$ZodLooseShape>(shape: Shape) => {
  const known = Object.keys(shape);
  const takes = known.length === 1 ? `the only parameter here is ${known[0]}` : `the parameters here are ${known.join(', ')}`;
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown parameter ${issue.keys.join(', ')}: ${takes}` : undefined),
  });
};

/** The query of an address that takes no parameters: any sent is refused, not just ignored. */
export const noQuery = z.strictObject(
  {},
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown parameter ${issue.keys.join(', ')}: this address takes no query parameters` : undefined) },
);

/** How many items a page holds: a whole number from 1 to `max`, `fallback` when absent. */
export const pageSize = (max: number, fallback: number) => {
  const message = `must be a whole number from 1 to ${max}`;
  return z.coerce.number({ error: message }).int({ error: message }).min(1, { error: message }).max(max, { error: message }).default(fallback);
};

/** A lower time bound on a list of `what`: an ISO 8601 date-time with its zone, in the years a filter accepts. */
export const sinceTime = (what: string) =>
  z.iso
    .datetime({ offset: true, error: 'must be an ISO 8601 date and time with a zone, such as 2026-01-31T09:00:00Z' })
    .refine(inFilterYears, `must be ${filterYearsText}`)
    .optional()
    .meta({ description: `only ${what} at or after this time` });

/** The page after the one whose next_cursor this is, in a list paged by its rows' ids. */
export const pageCursor = z
  .string()
  .regex(/^\d{1,18}$/, "must be the previous page's next_cursor")
  .optional()
  .meta({ description: "the previous page's next_cursor: the page after it" });

import { z } from 'zod';

/*
 * What every query string of the APIs shares: unknown parameters are refused (a misspelt filter is never just
 * ignored), naming those the address takes, and a page size says its bounds in one wording.
 */

/** A query that refuses parameters it does not know, naming those it does. */
export const strictQuery = <Shape extends z.core.$ZodLooseShape>(shape: Shape) => {
  const known = Object.keys(shape);
  const takes = known.length === 1 ? `the only parameter here is ${known[0]}` : `the parameters here are ${known.join(', ')}`;
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown parameter ${issue.keys.join(', ')}: ${takes}` : undefined),
  });
};

/** How many items a page holds: a whole number from 1 to `max`, `fallback` when absent. */
export const pageSize = (max: number, fallback: number) => {
  const message = `must be a whole number from 1 to ${max}`;
  return z.coerce.number({ error: message }).int({ error: message }).min(1, { error: message }).max(max, { error: message }).default(fallback);
};

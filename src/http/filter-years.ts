/*
 * The years a date filter may name. Nothing is recorded outside them, and well-formed ISO text can still name a
 * year the database refuses (year 0, or one its offset moves past 9999): such a filter is refused as a bad request
 * rather than failing the query.
 */
const firstYear = 1900;
const lastYear = 2999;

export const filterYearsText = `in the years ${firstYear} to ${lastYear}`;

/** Whether an ISO date or date-time (it starts YYYY-) names a year a filter accepts. */
export function inFilterYears(text: string): boolean {
  const year = Number(text.slice(0, 4));
  return year >= firstYear && year <= lastYear;
}

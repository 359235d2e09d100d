/**
 * Whether a value is a UUID as PostgreSQL reads one. Ids from addresses and forms are checked with it before a
 * lookup, so that a mistyped id is "not found" rather than a database error.
 */
export const isUuid = (value: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

import type Router from '@koa/router';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { addStaffAgencyPages } from './staff-agency-pages.ts';
import { addStaffApplicationPages } from './staff-application-pages.ts';
import { addStaffConditionsPages } from './staff-conditions-pages.ts';
import { addStaffLetterPages } from './staff-letter-pages.ts';

/** The staff console's work: applications and letters, agencies and systems, the conditions of use. */
export function addStaffWorkPages(router: Router, db: Kysely<Schema>): void {
  addStaffApplicationPages(router, db);
  addStaffLetterPages(router, db);
  addStaffAgencyPages(router, db);
  addStaffConditionsPages(router, db);
}

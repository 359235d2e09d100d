import type Router from '@koa/router';
import type { Kysely } from 'kysely';
import { staffActor } from '../applications/actors.ts';
import { showLetter } from '../applications/letters.ts';
import type { Schema } from '../db/schema.ts';
import { signedInSession } from './console-state.ts';
import { renderPermissionLetter } from './permission-letter.ts';
import { staffPage } from './staff-role-guard.ts';

/** A permission letter by its number, as a printable page; every member of staff may read every letter. */
export function addStaffLetterPages(router: Router, db: Kysely<Schema>): void {
  router.get('/staff/letters/:number', ...staffPage(db), async (ctx) => {
    const letter = await showLetter(db, await staffActor(db, signedInSession(ctx).pid), ctx.params.number!);
    const applicationHref = `/staff/applications/${letter.applicationId}`;
    renderPermissionLetter(ctx, letter, {
      showSignatories: true,
      applicationHref,
      links: [
        { href: applicationHref, th: '« คำขอที่หนังสือนี้ตอบ', en: 'The application it answers' },
        { href: `/staff/agencies/${letter.agencyId}`, th: 'หน่วยงาน', en: 'The agency' },
      ],
    });
  });
}

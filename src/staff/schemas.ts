import { z } from 'zod';
import { strictQuery } from '../http/query-schemas.ts';
import { citizenIdDocumentation, pidParam } from '../registry/citizen-schema.ts';
import { staffRoles } from './roles.ts';

/* The admin API's queries, bodies and answers for staff roles (the CLI reads its answers with these types). */

const role = z
  .enum(staffRoles, { message: `must be one of ${staffRoles.join(', ')}` })
  .meta({
    description:
      'reviewer checks applications and prepares approvals; approver approves them and suspends, reinstates or cancels agencies and systems; administrator manages staff and the conditions of use, and changes status too',
  });

export const staffListQuery = strictQuery({ role: role.optional().meta({ description: 'only the grants of this role' }) });

export const staffGrantBody = z.object({ pid: pidParam, role });
export const staffGrantParams = z.object({ pid: pidParam, role });

export const staffGrant = z.object({
  pid: z.string().meta(citizenIdDocumentation),
  role: z.enum(staffRoles),
  grantedAt: z.iso.datetime(),
  grantedBy: z.string().meta({ description: 'admin_token, or the citizen ID of the member of staff who granted it' }),
  revokedAt: z.iso.datetime().nullable().meta({ description: 'null while the grant is active' }),
  revokedBy: z.string().nullable().meta({ description: 'admin_token, or the citizen ID of the member of staff who removed it' }),
});
export type StaffGrantBody = z.infer<typeof staffGrant>;

export const staffList = z.object({ staff: z.array(staffGrant).meta({ description: 'active grants, by citizen ID then role' }) });
export type StaffListBody = z.infer<typeof staffList>;

import { parseArgs } from 'node:util';
import type { Config } from '../../config/config.ts';
import type { StaffGrantBody, StaffListBody } from '../../staff/schemas.ts';
import { staffRoles } from '../../staff/roles.ts';
import { AdminClient } from '../admin-client.ts';
import { CliError } from '../cli-error.ts';
import { print } from '../output.ts';

const roles = staffRoles.join(', ');
const usage = [
  'Usage: staff add --pid PID --role ROLE [--json]',
  '       staff list [--role ROLE] [--json]',
  '       staff remove --pid PID --role ROLE [--json]',
  `ROLE is one of ${roles}; a person may hold several.`,
].join('\n');

/** The citizen ID as written on the card (1-2345-67890-12-3) or as 13 digits. */
const pidOf = (value: string | undefined, sub: string): string => {
  if (!value) throw new CliError(`staff ${sub} needs --pid PID.\n${usage}`);
  return value.replace(/[-\s]/g, '');
};
const roleOf = (value: string | undefined, sub: string): string => {
  if (!value) throw new CliError(`staff ${sub} needs --role ROLE (one of ${roles}).\n${usage}`);
  return value;
};

/** thaid-emulator staff add|list|remove … */
export async function staffCommand(config: Config, argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: { pid: { type: 'string' }, role: { type: 'string' }, json: { type: 'boolean' } },
  });
  switch (sub) {
    case 'add': {
      const pid = pidOf(values.pid, sub);
      const role = roleOf(values.role, sub);
      const grant = await new AdminClient(config).request<StaffGrantBody>('POST', '/staff', { pid, role });
      print(values.json, grant, () => `Granted ${grant.role} to citizen ${grant.pid}.`);
      return;
    }
    case 'remove': {
      const pid = pidOf(values.pid, sub);
      const role = roleOf(values.role, sub);
      const revoked = await new AdminClient(config).request<StaffGrantBody>(
        'POST',
        `/staff/${encodeURIComponent(pid)}/roles/${encodeURIComponent(role)}/revoke`,
        {},
      );
      print(values.json, revoked, () => `Removed ${revoked.role} from citizen ${revoked.pid} (the grant is kept, revoked at ${revoked.revokedAt}).`);
      return;
    }
    case 'list': {
      if (values.pid !== undefined) throw new CliError(`staff list takes no --pid.\n${usage}`);
      const query = values.role === undefined ? '' : `?${new URLSearchParams({ role: values.role })}`;
      const { staff } = await new AdminClient(config).request<StaffListBody>('GET', `/staff${query}`);
      print(values.json, staff, () =>
        staff.length === 0
          ? `No staff${values.role === undefined ? '' : ` with the ${values.role} role`}.`
          : staff.map((g) => `${g.pid}  ${g.role.padEnd(13)}  granted ${g.grantedAt} by ${g.grantedBy}`).join('\n'),
      );
      return;
    }
    default:
      throw new CliError(usage);
  }
}

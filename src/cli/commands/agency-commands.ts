import { parseArgs } from 'node:util';
import type { Config } from '../../config/config.ts';
import { AdminClient } from '../admin-client.ts';
import { CliError } from '../cli-error.ts';
import { print } from '../output.ts';
import { describeChange, describeNotice, statusChangeBody, statusVerbs, type Notice, type StatusChange, type StatusVerb } from './status-options.ts';

const usage = `Usage: agency list [--json]
       agency show AGENCY_ID [--json]
       agency suspend|cancel AGENCY_ID --reason R --notice before|after [--effective-at ISO] [--json]
       agency reinstate AGENCY_ID --reason R [--json]
  (notice before: the notice now, the change at --effective-at, a future time; after: the change at once)`;

interface Agency {
  id: string;
  nameTh: string;
  nameEn: string;
  status: string;
}
interface System {
  clientId: string;
  name: string;
  status: string;
  active: boolean;
}

/** thaid-emulator agency list|show|suspend|reinstate|cancel */
export async function agencyCommand(config: Config, argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === 'list') {
    const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean' } } });
    const { agencies } = await new AdminClient(config).request<{ agencies: (Agency & { systems: number })[] }>('GET', '/agencies');
    print(values.json, { agencies }, () => (agencies.length ? agencies.map((a) => `${a.id}  ${a.status.padEnd(9)}  ${a.systems} system(s)  ${a.nameEn}`).join('\n') : 'No agencies.'));
    return;
  }
  const [id, ...options] = rest;
  if (!id || id.startsWith('--')) throw new CliError(usage);
  const path = `/agencies/${encodeURIComponent(id)}`;
  if (sub === 'show') {
    const { values } = parseArgs({ args: options, options: { json: { type: 'boolean' } } });
    const agency = await new AdminClient(config).request<Agency & { systems: System[]; notices: Notice[] }>('GET', path);
    print(values.json, agency, () =>
      [
        `Agency ${agency.id}: ${agency.nameEn} (${agency.nameTh}), ${agency.status}`,
        'Systems:',
        ...agency.systems.map((s) => `  ${s.clientId}  ${s.status}${s.active ? '' : ' (not active)'}  ${s.name}`),
        agency.notices.length ? 'Notices (newest first):' : 'No notices.',
        ...agency.notices.map(describeNotice),
      ].join('\n'),
    );
    return;
  }
  if (sub && sub in statusVerbs) {
    const { json, body } = statusChangeBody(sub as StatusVerb, options, usage);
    const change = await new AdminClient(config).request<StatusChange>('POST', `${path}/status`, body);
    print(json, change, () => describeChange(change));
    return;
  }
  throw new CliError(usage);
}

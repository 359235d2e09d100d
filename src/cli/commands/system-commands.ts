import { parseArgs } from 'node:util';
import type { IssuedApiKey } from '../../agencies/api-key-issue.ts';
import type { SecretRotation } from '../../agencies/secret-rotation.ts';
import type { Config } from '../../config/config.ts';
import { AdminClient } from '../admin-client.ts';
import { CliError } from '../cli-error.ts';
import { print } from '../output.ts';
import { describeChange, describeNotice, statusChangeBody, statusVerbs, type Notice, type StatusChange, type StatusVerb } from './status-options.ts';

const usage = `Usage: system rotate-secret CLIENT_ID [--grace 1d] [--json] (CLIENT_ID first)   (grace: 0, or a number with s, m, h or d; at most 7d)
       system new-api-key CLIENT_ID [--json]   (the key it replaces stops at once)
       system list [--json]
       system show CLIENT_ID [--json]
       system suspend|cancel CLIENT_ID --reason R --notice before|after [--effective-at ISO] [--json]
       system reinstate CLIENT_ID --reason R [--json]
  (notice before: the notice now, the change at --effective-at, a future time; after: the change at once)`;

interface System {
  clientId: string;
  agencyId: string;
  agencyNameEn: string;
  name: string;
  status: string;
  agencyStatus: string;
  active: boolean;
  dailyQuota: number | null;
  requestsToday: number;
  violations: number;
}

/** Today's authorization requests against the daily quota, and the policy violations. */
const describeUse = (s: System) =>
  `  ${s.requestsToday} authorization requests today (Bangkok time) of ${s.dailyQuota === null ? 'no daily quota' : `a daily quota of ${s.dailyQuota}`}; ${s.violations} policy violation${s.violations === 1 ? '' : 's'}`;

/** thaid-emulator system rotate-secret|new-api-key|list|show|suspend|reinstate|cancel */
export async function systemCommand(config: Config, argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === 'list') {
    const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean' } } });
    const { systems } = await new AdminClient(config).request<{ systems: System[] }>('GET', '/systems');
    print(values.json, { systems }, () =>
      systems.length
        ? systems.map((s) => `${s.clientId}  ${s.status.padEnd(9)}  agency ${s.agencyStatus}${s.active ? '' : ' (not active)'}  ${s.name} (${s.agencyNameEn})`).join('\n')
        : 'No systems.',
    );
    return;
  }
  if (sub === 'show' || (sub && sub in statusVerbs)) {
    const [clientId, ...options] = rest;
    if (!clientId || /^--(reason|notice|effective-at|json)(=|$)/.test(clientId)) throw new CliError(usage);
    const path = `/systems/${encodeURIComponent(clientId)}`;
    if (sub === 'show') {
      const { values } = parseArgs({ args: options, options: { json: { type: 'boolean' } } });
      const system = await new AdminClient(config).request<System & { notices: Notice[] }>('GET', path);
      print(values.json, system, () =>
        [
          `System ${system.clientId}: ${system.name}, ${system.status}${system.active ? '' : ' (not active)'}`,
          `  agency ${system.agencyId} (${system.agencyNameEn}), ${system.agencyStatus}`,
          describeUse(system),
          system.notices.length ? 'Notices (newest first):' : 'No notices.',
          ...system.notices.map(describeNotice),
        ].join('\n'),
      );
      return;
    }
    const { json, body } = statusChangeBody(sub as StatusVerb, options, usage);
    const change = await new AdminClient(config).request<StatusChange>('POST', `${path}/status`, body);
    print(json, change, () => describeChange(change));
    return;
  }
  if (sub === 'new-api-key') {
    const [clientId, ...options] = rest;
    if (!clientId || /^--json(=|$)/.test(clientId)) throw new CliError(usage);
    const { values } = parseArgs({ args: options, options: { json: { type: 'boolean' } } });
    const issued = await new AdminClient(config).request<IssuedApiKey>('POST', `/systems/${encodeURIComponent(clientId)}/api-key`, {});
    print(values.json, issued, () =>
      [
        `Issued a new API key to system ${issued.clientId}.`,
        `  api_key       ${issued.apiKey}   (shown only now; send it as x-imauth-apikey, or send none)`,
        issued.replacedKey ? '  the previous key stopped working now' : '  the system had no key before',
      ].join('\n'),
    );
    return;
  }
  if (sub !== 'rotate-secret') throw new CliError(usage);
  // The client id comes first, taken as it is: a generated one may start with "-".
  const [clientId, ...options] = rest;
  if (!clientId || /^--(grace|json)(=|$)/.test(clientId)) throw new CliError(usage);
  const { values } = parseArgs({ args: options, options: { grace: { type: 'string' }, json: { type: 'boolean' } } });
  const rotation = await new AdminClient(config).request<SecretRotation>(
    'POST',
    `/systems/${encodeURIComponent(clientId)}/secret`,
    values.grace === undefined ? {} : { grace: values.grace },
  );
  print(values.json, rotation, () =>
    [
      `Rotated the client secret of system ${rotation.clientId}.`,
      `  client_secret ${rotation.clientSecret}   (shown only now: store it safely)`,
      `  the previous secret works until ${rotation.previousSecretExpiresAt}`,
    ].join('\n'),
  );
}

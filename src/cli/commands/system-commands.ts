import { parseArgs } from 'node:util';
import type { SecretRotation } from '../../agencies/secret-rotation.ts';
import type { Config } from '../../config/config.ts';
import { AdminClient } from '../admin-client.ts';
import { CliError } from '../cli-error.ts';
import { print } from '../output.ts';

const usage = 'Usage: system rotate-secret CLIENT_ID [--grace 1d] [--json] (CLIENT_ID first)   (grace: 0, or a number with s, m, h or d; at most 7d)';

/** thaid-emulator system rotate-secret CLIENT_ID [--grace DURATION] [--json] */
export async function systemCommand(config: Config, argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
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

import { parseArgs } from 'node:util';
import type { Config } from '../../config/config.ts';
import type { AuditPage } from '../../audit/schemas.ts';
import { AdminClient } from '../admin-client.ts';
import { CliError } from '../cli-error.ts';
import { print } from '../output.ts';

const usage = 'Usage: audit list [--since T] [--actor PID|admin_token] [--json]';

type AuditEvent = AuditPage['events'][number];

const describeActor = (a: AuditEvent['actor']) => (a.pid ? `${a.kind}:${a.pid}${a.role ? ` (${a.role})` : ''}` : a.kind);

/** thaid-emulator audit list [--since T] [--actor PID] [--json] */
export async function auditCommand(config: Config, argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub !== 'list') throw new CliError(usage);
  const { values } = parseArgs({ args: rest, options: { since: { type: 'string' }, actor: { type: 'string' }, json: { type: 'boolean' } } });
  const client = new AdminClient(config);

  const events: AuditEvent[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ limit: '1000' });
    if (values.since !== undefined) query.set('since', values.since);
    if (values.actor !== undefined) query.set('actor', values.actor === 'admin_token' ? values.actor : values.actor.replace(/[-\s]/g, ''));
    if (cursor !== null) query.set('cursor', cursor);
    const page: AuditPage = await client.request<AuditPage>('GET', `/audit?${query}`);
    events.push(...page.events);
    cursor = page.next_cursor;
  } while (cursor !== null);

  print(values.json, events, () =>
    events.length === 0
      ? 'No audit events.'
      : events.map((e) => `${e.at}  ${describeActor(e.actor)}  ${e.action}  ${e.target.kind} ${e.target.id}`).join('\n'),
  );
}

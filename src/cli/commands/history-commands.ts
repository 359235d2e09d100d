import { parseArgs } from 'node:util';
import type { Config } from '../../config/config.ts';
import type { HistoryEntry } from '../../disclosures/history-entry.ts';
import { isValidPid } from '../../registry/pid.ts';
import { AdminClient } from '../admin-client.ts';
import { CliError } from '../cli-error.ts';
import { print, printable } from '../output.ts';

const usage = 'Usage: history PID [--limit N] [--cursor C] [--json]   (N from 1 to 1000, 50 when not given; C as the previous run gave it)';
const maxLimit = 1000;

/** An agency by both its names, or its one name when they are the same. */
function agencyName(entry: HistoryEntry): string {
  const { th, en } = entry.agency;
  return !en || en === th ? th : `${th} (${en})`;
}

/**
 * One entry on one line: when, what kind, how (endpoint) or what the citizen did (event), who, which data items.
 * Names are the agency's own words, kept as written in the ledger: printable() keeps them to the line.
 */
function historyLine(entry: HistoryEntry): string {
  const what = entry.kind === 'disclosure' ? `endpoint ${entry.endpoint}` : `event ${entry.event}`;
  return printable(
    [
      entry.at,
      entry.kind.padEnd(10),
      what.padEnd(19),
      `agency ${agencyName(entry)}`,
      `system ${entry.system.name} [${entry.system.clientId}]`,
      `items ${entry.items.map((item) => item.scope).join(', ') || '-'}`,
    ].join('  '),
  );
}

/** thaid-emulator history PID [--limit N] [--cursor C] [--json] */
export async function historyCommand(config: Config, args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { limit: { type: 'string' }, cursor: { type: 'string' }, json: { type: 'boolean' } },
  });
  if (positionals.length !== 1) throw new CliError(`Give one citizen ID.\n${usage}`, 64);
  const pid = positionals[0]!.replace(/[-\s]/g, '');
  if (!isValidPid(pid)) throw new CliError(`"${positionals[0]}" is not a valid 13-digit citizen ID (the last digit is a check digit).\n${usage}`, 64);
  const limit = values.limit === undefined ? 50 : Number(values.limit);
  if (!/^\d+$/.test(values.limit ?? '50') || !Number.isInteger(limit) || limit < 1 || limit > maxLimit) {
    throw new CliError(`--limit must be a whole number from 1 to ${maxLimit}, not "${values.limit}".`, 64);
  }
  if (values.cursor !== undefined && !/^\d{1,16}$/.test(values.cursor)) {
    throw new CliError(`--cursor must be the one an earlier run of history printed, not "${values.cursor}".`, 64);
  }

  const query = new URLSearchParams({ limit: String(limit), ...(values.cursor === undefined ? {} : { cursor: values.cursor }) });
  const page = await new AdminClient(config).request<{ entries: HistoryEntry[]; nextCursor: string | null }>('GET', `/citizens/${pid}/history?${query}`);
  print(values.json, page.entries, () =>
    page.entries.length === 0
      ? values.cursor === undefined
        ? `No entries in the history of citizen ${pid} yet.`
        : `No entries in the history of citizen ${pid} older than that.`
      : page.entries.map(historyLine).join('\n'),
  );
  // On stderr, so the entries on stdout stay one per line (or one JSON array): the newest N are not all of them.
  if (page.nextCursor !== null) process.stderr.write(`Older entries follow: run again with --cursor ${page.nextCursor} to read them.\n`);
}

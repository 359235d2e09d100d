import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Config } from '../../config/config.ts';
import { AdminClient } from '../admin-client.ts';
import { CliError } from '../cli-error.ts';
import { auditCitizen, auditLedger, type LedgerReport } from '../ledger-audit.ts';
import { defaultWitnessFile, keepWitness, readWitness } from '../ledger-witness.ts';
import { print } from '../output.ts';

const usage = 'Usage: ledger verify [--pid PID] [--witness FILE] [--json]';

/** sysexits' EX_DATAERR: the ledger was read and fails a check (1 is left for "could not check"). */
const LEDGER_FAILS_EXIT_CODE = 65;

const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

const describeSignatures = (report: LedgerReport): string => `${count(report.signatures_verified, 'signature')} verified with the server's signing keys`;

const describeWitness = (report: LedgerReport): string =>
  report.witness ? ` It extends the head verified on ${report.witness.verified_at} (${count(report.witness.tree_size, 'entry', 'entries')}).` : '';

function describeSuccess(report: LedgerReport): string {
  if (report.checked === 'citizen' && report.entries_checked === 0) {
    return (
      `Citizen ${report.pid} has no entries in the ledger: nothing of theirs to check in the tree of the newest signed head ` +
      `(${count(report.tree_size, 'entry', 'entries')}). ${describeSignatures(report)}.${describeWitness(report)}`
    );
  }
  if (report.checked === 'citizen') {
    return (
      `Citizen ${report.pid}'s ${count(report.entries_checked, 'ledger entry', 'ledger entries')} check out: each is, with the text it was ` +
      `written with, in the tree of the newest signed head (${count(report.tree_size, 'entry', 'entries')}). ${describeSignatures(report)}.${describeWitness(report)}`
    );
  }
  return (
    `The disclosure ledger verifies: ${count(report.entries_checked, 'entry', 'entries')}, and the roots of ` +
    `${count(report.tree_heads_checked, 'signed tree head')} recomputed from them. ${describeSignatures(report)}.${describeWitness(report)}`
  );
}

/** thaid-emulator ledger verify [--pid PID] [--witness FILE] [--json] */
export async function ledgerCommand(config: Config, argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub !== 'verify') throw new CliError(usage);
  const { values } = parseArgs({ args: rest, options: { pid: { type: 'string' }, witness: { type: 'string' }, json: { type: 'boolean' } } });
  const client = new AdminClient(config);
  const pid = values.pid?.replace(/[-\s]/g, '');
  const witnessFile = path.resolve(values.witness ?? defaultWitnessFile(config.dataDir));
  const kept = readWitness(witnessFile, config.issuer);
  const witness = kept && { file: witnessFile, head: kept };
  const report = pid === undefined ? await auditLedger(client, witness) : await auditCitizen(client, pid, witness);

  if (report.ok) {
    // The newest head, which this run verified: the next run must find the log extends it.
    if (report.tree_head) keepWitness(witnessFile, report.tree_head, new Date(), config.issuer);
    print(values.json, report, () => describeSuccess(report));
    return;
  }
  print(values.json, report, () => ['The disclosure ledger fails verification:', ...report.problems.map((p) => `  ${p.problem}`)].join('\n'));
  const [first] = report.problems;
  const more = report.problems.length - 1;
  throw new CliError(`ledger verification failed: ${first!.problem}${more ? ` (and ${count(more, 'more problem')})` : ''}`, LEDGER_FAILS_EXIT_CODE);
}

import type { Config } from '../../config/config.ts';
import { CliError } from '../cli-error.ts';

/** thaid-emulator ledger verify [--pid PID] [--json] */
export async function ledgerCommand(_config: Config, _args: string[]): Promise<void> {
  throw new CliError('ledger: not built yet');
}

import type { Config } from '../../config/config.ts';
import { CliError } from '../cli-error.ts';

/** thaid-emulator history PID [--limit N] [--json] */
export async function historyCommand(_config: Config, _args: string[]): Promise<void> {
  throw new CliError('history: not built yet');
}

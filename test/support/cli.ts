import { execFile } from 'node:child_process';
import path from 'node:path';

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `thaid-emulator` in its own process with exactly `env` (plus PATH), as a person would in a terminal.
 * Asynchronous, so a server running in the test's own process keeps answering it.
 */
export function runCli(args: string[], env: Record<string, string>, options: { cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.resolve('src/cli/main.ts'), ...args],
      { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 60_000, ...(options.cwd ? { cwd: options.cwd } : {}) },
      (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

import fs from 'node:fs';
import { ConfigError, loadConfig } from '../config/config.ts';
import { DataDirBusyError } from '../db/data-dir-lock.ts';
import { describePostgresUrl } from '../db/database.ts';
import { DatabaseUnavailableError } from '../db/unavailable.ts';
import { CliError } from './cli-error.ts';
import { trustSelfSignedCertificate } from './trust-server-certificate.ts';
import { citizenCommand, keysCommand, rpCommand } from './commands/admin-commands.ts';
import { migrateCommand, seedCommand } from './commands/database-commands.ts';
import { serveCommand } from './commands/serve.ts';
import { deviceCommand, enrolmentCodeCommand } from './commands/device-commands.ts';
import { auditCommand } from './commands/audit-commands.ts';
import { historyCommand } from './commands/history-commands.ts';
import { ledgerCommand } from './commands/ledger-commands.ts';
import { systemCommand } from './commands/system-commands.ts';
import { agencyCommand } from './commands/agency-commands.ts';
import { staffCommand } from './commands/staff-commands.ts';
import { applicationCommand, letterCommand } from './commands/application-commands.ts';
import { conditionsCommand } from './commands/conditions-commands.ts';

const usage = `Usage: thaid-emulator <command> [options]

Server and database (use the database directly):
  start                       apply migrations, then serve (what "npm start" runs)
  serve                       the same: migrations are always applied on start
  migrate [--json]            apply pending migrations and exit
  seed --citizens N [--seed S] [--json]
                              add generated citizens 0..N-1 of the registry seed (idempotent)

Talk to the running server's admin API (found through ISSUER):
  rp create --name N --redirect-uri U [--redirect-uri U2] [--scopes "openid pid name"] [--name-en E]
            [--system-name S] [--purpose P] [--public] [--profile thaid|strict] [--id-token-alg RS256|ES256] [--json]
                              register a system at once (the sandbox shortcut); --scopes defaults to openid
  citizen show PID [--json]
  citizen list [--limit N] [--after PID] [--json]
  keys rotate [--json]
  system rotate-secret CLIENT_ID [--grace 1d] [--json]
                              a new client secret, shown once; the previous one works for the grace (0 to 7d)
  system new-api-key CLIENT_ID [--json]
                              a new API key, shown once; the previous one stops at once (sending none is fine)
  system list|show CLIENT_ID [--json]        agency list|show AGENCY_ID [--json]
  system|agency suspend|cancel ID --reason R --notice before|after [--effective-at ISO] [--json]
  system|agency reinstate ID --reason R [--json]
                              with a written notice to the agency; cancellation is final; notice before
                              delivers it now and makes the change at --effective-at (a future time)
  enrolment-code --pid PID [--json]   a one-time code for enrolment at a registration office
  history PID [--limit N] [--cursor C] [--json]   the citizen's history, newest first: disclosures and events;
                              when older entries follow, stderr gives the --cursor that reads them
  ledger verify [--pid PID] [--witness FILE] [--json]   check the disclosure ledger (or one citizen's entries)
                              against its signed heads and the head the last passing run kept in FILE
                              (default DATA_DIR/ledger-witness.json)
  audit list [--since T] [--actor PID] [--json]   the audit log (admin API, staff console, agency portal), newest first
  staff add --pid PID --role ROLE [--json]        make a citizen DOPA staff: ROLE is reviewer, approver or administrator
  staff list [--role ROLE] [--json]               the staff and their roles
  staff remove --pid PID --role ROLE [--json]     take a role away (the grant is kept, revoked)
  application list [--status S] [--agency ID] [--search TEXT] [--json]   agencies' applications, newest first
  application show ID [--json]                    the form, every decision on it, its preparation and letters
  application submit --file FORM.json [--id ID] [--json]
                              file an application from a JSON form (or replace draft ID's form) and submit it
  application submit ID [--json]                  submit a draft as it is
  application request-changes ID --message M [--json]
  application approve ID [--scopes "pid name"] [--quota N] [--json]
                              prepare as asked (or narrowed) and approve: prints the new credentials once
                              and the permission letter's number
  application reject ID --reason R [--json]       reject, for good, with reasons
  letter list [--agency ID] [--json], letter show NUMBER [--json]   permission letters
  conditions publish --file F [--json]            publish a new version of the conditions of use, in force at once;
                              F is the Thai text, a line with only ---, then the English text
  conditions show [--json]                        the conditions in force, who accepted them, who has not

A virtual ThaID device (keeps its key in DATA_DIR/devices; talks to the server at ISSUER):
  device enroll --pid PID --laser-code C --birthdate YYYY-MM-DD --pin P [--face-match pass|fail] [--name N]
                [--rooted] [--json]
  device enroll --enrolment-code CODE --pin P [--name N] [--json]
  device approve <app-link-or-short-code> --number N --pin P [--pid PID] [--json]
  device deny <app-link-or-short-code> [--pid PID] [--json]

Configuration comes from environment variables, and from ./.env where they are not set; see README.md and
.env.example.`;

async function run(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${usage}\n`);
    return;
  }
  // Variables already in the environment win over the file.
  if (fs.existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig();
  trustSelfSignedCertificate(config);
  switch (command) {
    case 'start':
    case 'serve':
      return serveCommand(config);
    case 'migrate':
      return migrateCommand(config, rest);
    case 'seed':
      return seedCommand(config, rest);
    case 'rp':
      return rpCommand(config, rest);
    case 'citizen':
      return citizenCommand(config, rest);
    case 'keys':
      return keysCommand(config, rest);
    case 'enrolment-code':
      return enrolmentCodeCommand(config, rest);
    case 'device':
      return deviceCommand(config, rest);
    case 'history':
      return historyCommand(config, rest);
    case 'ledger':
      return ledgerCommand(config, rest);
    case 'audit':
      return auditCommand(config, rest);
    case 'system':
      return systemCommand(config, rest);
    case 'agency':
      return agencyCommand(config, rest);
    case 'staff':
      return staffCommand(config, rest);
    case 'application':
      return applicationCommand(config, rest);
    case 'letter':
      return letterCommand(config, rest);
    case 'conditions':
      return conditionsCommand(config, rest);
    default:
      throw new CliError(`Unknown command "${command}".\n\n${usage}`);
  }
}

/** What node:util's parseArgs throws for a command line it cannot read: the user's to mend (EX_USAGE). */
const usageErrors = new Set(['ERR_PARSE_ARGS_UNKNOWN_OPTION', 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE', 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL']);

function explain(error: unknown): { message: string; exitCode: number } {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  if (error instanceof ConfigError) return { message: error.message, exitCode: 78 };
  if (error instanceof DataDirBusyError) return { message: error.message, exitCode: 75 };
  if (error instanceof DatabaseUnavailableError) {
    const url = process.env.DATABASE_URL;
    const cause = error.cause instanceof Error ? error.cause.message : String(error.cause);
    return {
      message: `Cannot connect to ${url ? describePostgresUrl(url) : 'the database'}: ${cause}. Check DATABASE_URL and that the server is running.`,
      exitCode: 69,
    };
  }
  if (usageErrors.has((error as { code?: string }).code ?? '')) {
    return { message: `${(error as Error).message} Put quotes around a value with spaces, such as --name "My agency".`, exitCode: 64 };
  }
  if ((error as { code?: string }).code === 'EADDRINUSE') {
    return { message: `The port is already in use: ${(error as Error).message}. Set PORT to a free port.`, exitCode: 1 };
  }
  return { message: `Unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`, exitCode: 1 };
}

try {
  await run(process.argv.slice(2));
} catch (error) {
  const { message, exitCode } = explain(error);
  process.stderr.write(`thaid-emulator: ${message}\n`);
  process.exitCode = exitCode;
}

import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { conditionsFileFormat, formatConditionsFile, parseConditionsFile, separatorLine } from '../../conditions/conditions-file.ts';
import type { ConditionsOverviewBody, ConditionsVersionBody } from '../../conditions/schemas.ts';
import type { Config } from '../../config/config.ts';
import { AdminClient } from '../admin-client.ts';
import { CliError } from '../cli-error.ts';
import { print } from '../output.ts';

const usage = [
  'Usage: conditions publish --file F [--json]   publish a new version of the conditions of use, in force at once',
  '       conditions show [--json]               the current version, who accepted which version, who has not',
  `F is ${conditionsFileFormat}, e.g.`,
  '  1. ใช้บริการเพื่อวัตถุประสงค์ที่ได้รับอนุญาตเท่านั้น',
  `  ${separatorLine}`,
  '  1. Use the service only for the permitted purpose.',
  '"conditions show" prints the current version in this format, ready to edit.',
].join('\n');

function readTexts(file: string | undefined) {
  if (!file) throw new CliError(`conditions publish needs --file F.\n${usage}`);
  let content: string;
  try {
    content = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`Cannot read ${file}: ${(error as Error).message}.`);
  }
  const parsed = parseConditionsFile(content);
  if (!parsed.ok) throw new CliError(`${file} is not a conditions file: ${parsed.problem}. The file is ${conditionsFileFormat}.`);
  return parsed.texts;
}

function describeOverview(o: ConditionsOverviewBody): string {
  const { current } = o;
  const pending = o.pending.map((p) => `  ${p.agencyId}  ${p.nameEn}${p.lastAcceptedVersion === null ? '  (never accepted)' : `  (accepted version ${p.lastAcceptedVersion})`}`);
  const accepted = o.acceptances.map((a) => `  ${a.acceptedAt}  version ${a.version}  ${a.agencyId}  ${a.agencyNameEn}  by ${a.acceptedBy}`);
  return [
    `Conditions of use, version ${current.version}, in force since ${current.publishedAt} (published by ${current.publishedBy}):`,
    '',
    formatConditionsFile(current).trimEnd(),
    '',
    o.pending.length ? `Active agencies that have not accepted version ${current.version}:` : `Every active agency has accepted version ${current.version}.`,
    ...pending,
    o.acceptances.length ? 'Acceptances, newest first:' : 'No agency has accepted any version yet.',
    ...accepted,
  ].join('\n');
}

/** thaid-emulator conditions publish|show … */
export async function conditionsCommand(config: Config, argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  const { values } = parseArgs({ args: rest, options: { file: { type: 'string' }, json: { type: 'boolean' } } });
  switch (sub) {
    case 'publish': {
      const texts = readTexts(values.file);
      const published = await new AdminClient(config).request<ConditionsVersionBody>('POST', '/conditions', texts);
      print(values.json, published, () =>
        `Published version ${published.version} of the conditions of use, in force from ${published.publishedAt}. Every agency shows as not having accepted it until it does.`,
      );
      return;
    }
    case 'show': {
      if (values.file !== undefined) throw new CliError(`conditions show takes no --file.\n${usage}`);
      const overview = await new AdminClient(config).request<ConditionsOverviewBody>('GET', '/conditions');
      print(values.json, overview, () => describeOverview(overview));
      return;
    }
    default:
      throw new CliError(usage);
  }
}

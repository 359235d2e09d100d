import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { z } from 'zod';
import type { applicationDetail, applicationList, approvalAnswer, letterList, permissionLetter } from '../../applications/schemas.ts';
import type { Config } from '../../config/config.ts';
import { AdminClient } from '../admin-client.ts';
import { CliError } from '../cli-error.ts';
import { print } from '../output.ts';

type Application = z.output<typeof applicationDetail>;
type ApplicationList = z.output<typeof applicationList>;
type ApprovalAnswer = z.output<typeof approvalAnswer>;
type Letter = z.output<typeof permissionLetter>;
type LetterList = z.output<typeof letterList>;

const usage = `Usage: application list [--status S] [--agency AGENCY_ID] [--search TEXT] [--json]
       application show ID [--json]
       application submit --file FORM.json [--id ID] [--json]
                      file a new application from a JSON form (or replace draft ID's form) and submit it
       application submit ID [--json]          submit a draft as it is
       application request-changes ID --message M [--json]
       application approve ID [--scopes "pid name"] [--quota N] [--json]
                      prepare it as asked (narrowed to --scopes, with --quota a day) and approve it; prints the
                      new systems' credentials, only this once, and the permission letter's number
       application reject ID --reason R [--reason R2] [--json]
  S is draft, submitted, changes_requested, prepared, approved or rejected.`;

const letterUsage = `Usage: letter list [--agency AGENCY_ID] [--json]
       letter show NUMBER [--json]`;

const path = (id: string, action = '') => `/applications/${encodeURIComponent(id)}${action}`;

function readForm(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`Cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`${file} is not JSON: ${(error as Error).message}`);
  }
}

const actorText = (actor: Application['events'][number]['actor']) =>
  actor.kind === 'staff' || actor.kind === 'agency' ? `${actor.pid} (${actor.role})` : actor.kind;

function describeApplication(a: Application): string {
  const lines = [
    `Application ${a.id}: ${a.status}, ${a.kind === 'new' ? 'a new agency' : `a change of agency ${a.agencyId}`}${a.origin === 'sandbox' ? ' (sandbox registration)' : ''}`,
    `  agency         ${a.agencyNameTh ?? '-'} · ${a.agencyNameEn ?? '-'}${a.agencyId && a.kind === 'new' ? ` (agency ${a.agencyId})` : ''}`,
    `  administrator  ${a.administratorPid ?? '-'}`,
    `  purpose        ${a.form.purpose ?? '-'}`,
    'Systems asked for:',
    ...(a.form.systems ?? []).map(
      (s, i) =>
        `  ${i}  ${s.clientId ? `${s.clientId} (more for an existing system)` : (s.name ?? '-')}${s.use ? `, ${s.use}` : ''}` +
        `: ${(s.redirectUris ?? []).join(', ') || 'no redirect URI'}; data items ${(s.dataItems ?? []).map((d) => d.scope).join(' ') || 'none'}` +
        `${s.estimatedDailyTransactions ? `; about ${s.estimatedDailyTransactions} a day` : ''}`,
    ),
  ];
  if (a.missing.length) lines.push('Still missing for a submission:', ...a.missing.map((m) => `  ${m.path} ${m.message}`));
  if (a.preparation) {
    lines.push(
      'Prepared:',
      ...a.preparation.systems.map(
        (s) => `  ${s.index}  ${s.name}: ${s.redirectUris.join(', ') || 'no more redirect URIs'}; data items ${s.scopes.join(' ') || 'none'}; quota ${s.dailyQuota ?? 'none'}`,
      ),
    );
  }
  lines.push(
    'History:',
    ...a.events.map((e) => {
      const said = e.message ? `: ${e.message}` : e.reasons ? `: ${e.reasons.join('; ')}` : e.letterNumber ? `: letter ${e.letterNumber}` : '';
      return `  ${e.at}  ${e.transition.padEnd(15)} ${e.from ?? '-'} -> ${e.to}  by ${actorText(e.actor)}${said}`;
    }),
  );
  if (a.letters.length) lines.push('Permission letters:', ...a.letters.map((l) => `  ${l.number}, dated ${l.issuedOn}`));
  return lines.join('\n');
}

function describeLetter(l: Letter): string {
  return [
    `Permission letter ${l.number}, dated ${l.issuedOn}`,
    `  agency      ${l.agencyNameTh} · ${l.agencyNameEn} (${l.agencyId})`,
    `  purpose     ${l.purpose}`,
    `  data items  ${l.dataItems.join(' ') || 'none (openid only)'}`,
    `  conditions  version ${l.conditionsVersion}`,
    `  answers     application ${l.applicationId}; prepared by ${l.preparedBy}, approved by ${l.approvedBy}`,
    ...l.systems.map(
      (s) => `  system      ${s.clientId} ${s.name} (${s.change === 'new_system' ? 'new' : 'extended'}): ${s.redirectUris.join(', ')}; ${s.dataItems.join(' ') || 'openid only'}; quota ${s.dailyQuota ?? 'none'}`,
    ),
  ].join('\n');
}

function describeApproval(result: ApprovalAnswer): string {
  const { application: a, letter } = result;
  return [
    `Approved application ${a.id}: ${a.agencyNameEn ?? a.agencyNameTh} (agency ${a.agencyId}).`,
    `Permission letter ${letter.number}, dated ${letter.issuedOn}.`,
    ...result.credentials.flatMap((c) => [
      `System ${c.name}`,
      `  client_id     ${c.clientId}`,
      c.clientSecret ? `  client_secret ${c.clientSecret}   (shown only now: store it safely)` : '  public client: no secret; PKCE (S256) is required',
      `  api_key       ${c.apiKey}   (shown only now; send it as x-imauth-apikey, or send none)`,
      `  redirect_uri  ${c.redirectUris.join(', ')}`,
      `  scopes        ${c.scopes.join(' ')}`,
      `  daily quota   ${c.dailyQuota ?? 'none'}`,
    ]),
  ].join('\n');
}

/** thaid-emulator application list|show|submit|request-changes|approve|reject */
export async function applicationCommand(config: Config, argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      status: { type: 'string' },
      agency: { type: 'string' },
      search: { type: 'string' },
      file: { type: 'string' },
      id: { type: 'string' },
      message: { type: 'string' },
      scopes: { type: 'string' },
      quota: { type: 'string' },
      reason: { type: 'string', multiple: true },
      json: { type: 'boolean' },
    },
  });
  const client = new AdminClient(config);
  const needId = () => {
    const id = positionals[0];
    if (!id) throw new CliError(`application ${sub} needs the application's ID.\n${usage}`);
    return id;
  };
  switch (sub) {
    case 'list': {
      const query = new URLSearchParams({
        ...(values.status ? { status: values.status } : {}),
        ...(values.agency ? { agency: values.agency } : {}),
        ...(values.search ? { q: values.search } : {}),
      });
      const { applications } = await client.request<ApplicationList>('GET', `/applications${query.size ? `?${query}` : ''}`);
      print(values.json, applications, () =>
        applications.length === 0
          ? 'No applications.'
          : applications.map((a) => `${a.id}  ${a.status.padEnd(17)}  ${a.kind.padEnd(6)}  ${a.agencyNameEn ?? a.agencyNameTh ?? '-'}`).join('\n'),
      );
      return;
    }
    case 'show': {
      const application = await client.request<Application>('GET', path(needId()));
      print(values.json, application, () => describeApplication(application));
      return;
    }
    case 'submit': {
      let id = values.id ?? positionals[0];
      if (values.file !== undefined) {
        const form = readForm(values.file);
        id = id === undefined ? (await client.request<Application>('POST', '/applications', form)).id : (await client.request<Application>('POST', path(id, '/form'), form)).id;
      }
      if (id === undefined) throw new CliError(`application submit needs --file FORM.json, or the ID of a draft.\n${usage}`);
      let submitted: Application;
      try {
        submitted = await client.request<Application>('POST', path(id, '/submit'));
      } catch (error) {
        if (!(error instanceof CliError)) throw error;
        throw new CliError(`${error.message}\nThe draft ${id} is kept: fix the form and run "application submit --file FORM.json --id ${id}".`);
      }
      print(values.json, submitted, () => `Submitted application ${submitted.id} (${submitted.agencyNameEn ?? submitted.agencyNameTh}).`);
      return;
    }
    case 'request-changes': {
      const id = needId();
      if (!values.message) throw new CliError(`application request-changes needs --message M: what the agency should change.\n${usage}`);
      const application = await client.request<Application>('POST', path(id, '/request-changes'), { message: values.message });
      print(values.json, application, () => `Sent application ${id} back to its administrator for changes.`);
      return;
    }
    case 'approve': {
      const id = needId();
      const narrowing = {
        ...(values.scopes !== undefined ? { scopes: values.scopes.split(/[\s,]+/).filter(Boolean) } : {}),
        ...(values.quota !== undefined ? { dailyQuota: quotaOf(values.quota) } : {}),
      };
      const application = await client.request<Application>('GET', path(id));
      if (application.status === 'submitted') await client.request<Application>('POST', path(id, '/prepare'), narrowing);
      else if (application.status === 'prepared' && Object.keys(narrowing).length > 0) {
        throw new CliError(`Application ${id} is already prepared: approve it as prepared (without --scopes and --quota), or send it back to be prepared again.`);
      }
      const approved = await client.request<ApprovalAnswer>('POST', path(id, '/approve'));
      print(values.json, approved, () => describeApproval(approved));
      return;
    }
    case 'reject': {
      const id = needId();
      if (!values.reason?.length) throw new CliError(`application reject needs --reason R (one or more): why, for the agency to read.\n${usage}`);
      const application = await client.request<Application>('POST', path(id, '/reject'), { reasons: values.reason });
      print(values.json, application, () => `Rejected application ${id}: ${values.reason!.join('; ')}`);
      return;
    }
    default:
      throw new CliError(usage);
  }
}

function quotaOf(text: string): number {
  if (!/^\d{1,9}$/.test(text) || Number(text) < 1) throw new CliError(`--quota must be a whole number of sign-ins a day, at least 1 (not "${text}").`);
  return Number(text);
}

/** thaid-emulator letter list|show */
export async function letterCommand(config: Config, argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { agency: { type: 'string' }, json: { type: 'boolean' } } });
  const client = new AdminClient(config);
  if (sub === 'list') {
    const query = values.agency ? `?${new URLSearchParams({ agency: values.agency })}` : '';
    const { letters } = await client.request<LetterList>('GET', `/permission-letters${query}`);
    print(values.json, letters, () => (letters.length ? letters.map((l) => `${l.number}  ${l.issuedOn}  ${l.agencyNameEn}  ${l.dataItems.join(' ')}`).join('\n') : 'No permission letters.'));
    return;
  }
  if (sub === 'show' && positionals[0]) {
    const letter = await client.request<Letter>('GET', `/permission-letters/${encodeURIComponent(positionals[0])}`);
    print(values.json, letter, () => describeLetter(letter));
    return;
  }
  throw new CliError(letterUsage);
}

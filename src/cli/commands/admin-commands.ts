import { parseArgs } from 'node:util';
import type { RelyingPartyCredentials } from '../../applications/sandbox-registration.ts';
import type { Config } from '../../config/config.ts';
import type { RotationResult } from '../../oidc/keys.ts';
import type { Citizen } from '../../registry/citizen.ts';
import { formatAddressTh } from '../../registry/addresses.ts';
import { formatPid } from '../../registry/pid.ts';
import { AdminClient } from '../admin-client.ts';
import { CliError } from '../cli-error.ts';
import { print } from '../output.ts';

export async function rpCommand(config: Config, argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub !== 'create') throw new CliError('Usage: rp create --name N --redirect-uri U [--redirect-uri U2] [--scopes "openid pid name"] [--name-en E] [--system-name S] [--purpose P] [--public] [--profile thaid|strict] [--id-token-alg RS256|ES256] [--json]');
  const { values } = parseArgs({
    args: rest,
    options: {
      name: { type: 'string' },
      'name-en': { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      scopes: { type: 'string' },
      'system-name': { type: 'string' },
      purpose: { type: 'string' },
      public: { type: 'boolean' },
      profile: { type: 'string' },
      'id-token-alg': { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (!values.name) throw new CliError('rp create needs --name');
  if (!values['redirect-uri']?.length) throw new CliError('rp create needs at least one --redirect-uri');
  const created = await new AdminClient(config).request<RelyingPartyCredentials>('POST', '/relying-parties', {
    name: values.name,
    nameEn: values['name-en'],
    systemName: values['system-name'],
    purpose: values.purpose,
    redirectUris: values['redirect-uri'],
    scopes: (values.scopes ?? 'openid').split(/[\s,]+/).filter(Boolean),
    publicClient: values.public ?? false,
    profile: values.profile,
    idTokenAlg: values['id-token-alg'],
  });
  print(values.json, created, () =>
    [
      `Created an approved agency with one system.`,
      `  client_id     ${created.clientId}`,
      created.clientSecret
        ? `  client_secret ${created.clientSecret}   (shown only now: store it safely)`
        : '  public client: no secret; PKCE (S256) is required',
      `  api_key       ${created.apiKey}   (shown only now; send it as x-imauth-apikey, or send none)`,
      `  redirect_uri  ${created.redirectUris.join(', ')}`,
      `  scopes        ${created.scopes.join(' ')}`,
      `  profile       ${created.profile} (${created.profile === 'thaid' ? 'behaves as the real service does' : 'as the standards are written'}), ID tokens ${created.idTokenAlg}`,
      `  discovery     ${config.issuer}/.well-known/openid-configuration`,
      `  letter        ${created.letterNumber} (permission letter; application ${created.applicationId})`,
    ].join('\n'),
  );
}

function describeCitizen(c: Citizen): string {
  const rows: [string, string][] = [
    ['pid', formatPid(c.pid)],
    ['name (th)', `${c.titleTh}${[c.givenNameTh, c.middleNameTh, c.familyNameTh].filter(Boolean).join(' ')}`],
    ['name (en)', `${c.titleEn} ${[c.givenNameEn, c.middleNameEn, c.familyNameEn].filter(Boolean).join(' ')}`],
    ['birthdate', c.birthdate],
    ['gender', c.sex],
    ['address', formatAddressTh(c.address)],
    ['laser code', c.laserCode],
    ['card', `issued ${c.cardIssuedOn}, expires ${c.cardExpiresOn}`],
    ['ial', String(c.ial)],
  ];
  return rows.map(([k, v]) => `${k.padEnd(11)} ${v}`).join('\n');
}

export async function citizenCommand(config: Config, argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  const client = () => new AdminClient(config);
  if (sub === 'show') {
    const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { json: { type: 'boolean' } } });
    const pid = positionals[0]?.replace(/[-\s]/g, '');
    if (!pid) throw new CliError('Usage: citizen show PID [--json]');
    const citizen = await client().request<Citizen>('GET', `/citizens/${encodeURIComponent(pid)}`);
    print(values.json, citizen, () => describeCitizen(citizen));
    return;
  }
  if (sub === 'list') {
    const { values } = parseArgs({
      args: rest,
      options: { limit: { type: 'string' }, after: { type: 'string' }, json: { type: 'boolean' } },
    });
    const query = new URLSearchParams({ limit: values.limit ?? '20', ...(values.after ? { after: values.after } : {}) });
    const page = await client().request<{ total: number; citizens: Citizen[] }>('GET', `/citizens?${query}`);
    print(values.json, page, () =>
      [
        ...page.citizens.map(
          (c) => `${c.pid}  ${c.birthdate}  ${c.titleTh}${c.givenNameTh} ${c.familyNameTh}  (${c.titleEn} ${c.givenNameEn} ${c.familyNameEn})  ${c.address.province}`,
        ),
        `${page.citizens.length} of ${page.total.toLocaleString('en')} citizens`,
      ].join('\n'),
    );
    return;
  }
  throw new CliError('Usage: citizen show PID [--json] | citizen list [--limit N] [--after PID] [--json]');
}

export async function keysCommand(config: Config, argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub !== 'rotate') throw new CliError('Usage: keys rotate [--json]');
  const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean' } } });
  const result = await new AdminClient(config).request<RotationResult>('POST', '/signing-keys/rotate');
  print(values.json, result, () =>
    `New signing keys ${result.added.join(', ')} sign from now on. ` +
    `The previous keys stay published until ${result.retiredKeysPublishedUntil} so tokens they signed still verify.`,
  );
}

import { parseArgs } from 'node:util';
import type { Config } from '../../config/config.ts';
import { DeviceApiError, VirtualDevice } from '../../devices/virtual-device.ts';
import type { IdentityProof } from '../../devices/enrolment.ts';
import type { IntegrityVerdict } from '../../devices/integrity.ts';
import { describeBrowser } from '../../login/browser-description.ts';
import type { LoginShownOnDevice } from '../../login/device-answers.ts';
import { AdminClient, adminTokenFor } from '../admin-client.ts';
import { faceMatches, faceSampleFor, type FaceMatch } from '../../devices/face-samples.ts';
import { CliError } from '../cli-error.ts';
import { loadDevice, rememberScan, saveDevice, scannedWith } from '../device-files.ts';
import { print } from '../output.ts';

const usage = `Usage:
  device enroll --pid PID --laser-code C --birthdate YYYY-MM-DD --pin P [--face-match pass|fail] [--name N] [--rooted] [--json]
  device enroll --enrolment-code CODE --pin P [--name N] [--json]
  device approve <app-link-or-short-code> --number N --pin P [--pid PID] [--json]
      N is the two-digit number the login page shows beside the code
  device deny <app-link-or-short-code> [--pid PID] [--json]`;

/** Device API refusals become one-line CLI errors with the server's explanation, and `hints` by error code. */
async function explained<T>(config: Config, work: Promise<T>, hints: Record<string, string> = {}): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof DeviceApiError) throw new CliError(`${error.message} (${error.status} ${error.code})${hints[error.code] ?? ''}`);
    if (error instanceof TypeError && /fetch failed/.test(error.message)) {
      throw new CliError(`No server answers at ${config.issuer}. Start it with "npm start", or set ISSUER to the URL it runs at.`);
    }
    throw error;
  }
}

export async function deviceCommand(config: Config, argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      pid: { type: 'string' },
      'laser-code': { type: 'string' },
      birthdate: { type: 'string' },
      'enrolment-code': { type: 'string' },
      pin: { type: 'string' },
      number: { type: 'string' },
      name: { type: 'string' },
      rooted: { type: 'boolean' },
      'face-match': { type: 'string', default: 'pass' },
      json: { type: 'boolean' },
    },
  });

  if (sub === 'enroll' || sub === 'enrol') {
    if (!values.pin) throw new CliError(`device enroll needs --pin\n${usage}`);
    let proof: IdentityProof;
    if (values['enrolment-code']) proof = { method: 'office', enrolmentCode: values['enrolment-code'] };
    else if (values.pid && values['laser-code'] && values.birthdate) {
      const match = values['face-match'] as FaceMatch;
      if (!faceMatches.includes(match)) throw new CliError(`--face-match is pass (the citizen's own face) or fail (someone else's), not ${match}\n${usage}`);
      const faceSample = await explained(
        config,
        faceSampleFor(config.issuer, adminTokenFor(config), values.pid, match).catch((error: unknown) => {
          // The registry's face could not be read (no such citizen, a wrong token): said in one line.
          throw error instanceof Error && !(error instanceof TypeError) ? new CliError(error.message) : error;
        }),
      );
      proof = { method: 'self', pid: values.pid, laserCode: values['laser-code'], birthdate: values.birthdate, faceSample };
    } else throw new CliError(`device enroll needs --pid, --laser-code and --birthdate, or --enrolment-code\n${usage}`);
    const device = await VirtualDevice.create(config.issuer, values.name ?? 'Virtual device (CLI)');
    const integrity: IntegrityVerdict = values.rooted ? 'rooted' : 'intact';
    const enrolment = await explained(config, device.enrol({ proof, pin: values.pin, integrity }));
    const file = saveDevice(config.dataDir, device.state);
    print(values.json, { ...enrolment, file }, () =>
      [
        `Enrolled a virtual device for ${enrolment.pid}; its key is in ${file}.`,
        ...(enrolment.replacedDeviceId ? ['The citizen’s previous device was signed out.'] : []),
      ].join('\n'),
    );
    return;
  }

  if (sub === 'approve' || sub === 'deny') {
    const code = positionals[0];
    if (!code) throw new CliError(`device ${sub} needs the app link or short code shown on the login page\n${usage}`);
    if (sub === 'approve' && !values.pin) throw new CliError(`device approve needs --pin\n${usage}`);
    if (sub === 'approve' && !/^\d{2}$/.test(values.number ?? '')) {
      throw new CliError(`device approve needs --number, the two-digit number the login page shows\n${usage}`);
    }
    // The device talks to the server at ISSUER now, wherever it was when it enrolled.
    const state = loadDevice(config.dataDir, values.pid);
    const device = VirtualDevice.fromState({ ...state, issuer: config.issuer });
    const pid = state.pid ?? '';
    let request: LoginShownOnDevice | undefined;
    const loginId = await explained(
      config,
      device.scan(code).then(
        (scanned) => {
          request = scanned;
          rememberScan(config.dataDir, pid, code, scanned.id);
          return scanned.id;
        },
        (error: unknown) => {
          // Scanned by this device before (then a wrong PIN, say): the sign-in is still this device's to answer,
          // though its code was scanned once and the app link read then has gone stale since.
          const scanned = scannedWith(config.dataDir, pid, code);
          const rescan = error instanceof DeviceApiError && (error.code === 'login_already_used' || error.code === 'qr_code_expired');
          if (rescan && scanned) return scanned;
          throw error;
        },
      ),
    );
    const hints = { pin_rejected: '; this device keeps the sign-in it scanned: run the same command again with the right PIN.' };
    let shown = request;
    let status: string;
    if (sub === 'approve') {
      const approved = await explained(config, device.approve(loginId, Number(values.number), values.pin!), hints);
      shown ??= approved;
      status = approved.status;
    } else {
      status = (await explained(config, device.deny(loginId))).status;
    }
    print(values.json, { ...(shown ?? {}), id: loginId, status }, () =>
      [
        `${sub === 'approve' ? 'Approved' : 'Refused'}${shown ? `: ${shown.agency.en} · ${shown.system}` : ''}`,
        ...(shown
          ? [
              `  purpose     ${shown.purpose}`,
              `  data items  ${shown.dataItems.map((i) => i.en).join(', ') || 'sign-in only'}`,
              `  asked from  ${describeBrowser(shown.browser)} at ${shown.requestedAt}`,
            ]
          : []),
        'The browser continues by itself.',
      ].join('\n'),
    );
    return;
  }
  throw new CliError(usage);
}

export async function enrolmentCodeCommand(config: Config, argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { pid: { type: 'string' }, json: { type: 'boolean' } } });
  if (!values.pid) throw new CliError('Usage: enrolment-code --pid PID [--json]');
  const issued = await new AdminClient(config).request<{ code: string; expiresAt: string }>('POST', '/enrolment-codes', { pid: values.pid });
  print(values.json, issued, () => `Enrolment code for ${values.pid}: ${issued.code} (valid until ${issued.expiresAt}, once)`);
}

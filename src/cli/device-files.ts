import fs from 'node:fs';
import path from 'node:path';
import type { VirtualDeviceState } from '../devices/virtual-device.ts';
import { loginIdOfAppLink } from '../login/paths.ts';
import { parseShortCode } from '../login/short-codes.ts';
import { CliError } from './cli-error.ts';

/** Virtual devices live in DATA_DIR/devices, one file per citizen, private to the user (mode 0600). */
const devicesDir = (dataDir: string) => path.join(dataDir, 'devices');
const latestFile = (dataDir: string) => path.join(devicesDir(dataDir), 'latest');

export function saveDevice(dataDir: string, state: VirtualDeviceState): string {
  fs.mkdirSync(devicesDir(dataDir), { recursive: true, mode: 0o700 });
  const file = path.join(devicesDir(dataDir), `${state.pid}.json`);
  fs.writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  fs.writeFileSync(latestFile(dataDir), `${state.pid}\n`);
  return file;
}

/** The device of a citizen, or without a pid the most recently enrolled one. */
export function loadDevice(dataDir: string, pid: string | undefined): VirtualDeviceState {
  const chosen = pid ?? (fs.existsSync(latestFile(dataDir)) ? fs.readFileSync(latestFile(dataDir), 'utf8').trim() : undefined);
  const elsewhere = 'or, if you enrolled one with another DATA_DIR, set DATA_DIR to the one it was enrolled with';
  if (!chosen) throw new CliError(`No virtual device in ${devicesDir(dataDir)}: enrol one with "device enroll" first, ${elsewhere}.`);
  const file = path.join(devicesDir(dataDir), `${chosen}.json`);
  if (!fs.existsSync(file)) {
    throw new CliError(`No virtual device for ${chosen} in ${devicesDir(dataDir)}: enrol one with "device enroll --pid ${chosen} ...", ${elsewhere}.`);
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as VirtualDeviceState;
}

/*
 * The sign-in a device scanned last, by the sign-in its code names: a code is scanned once, so a command run
 * again after a wrong PIN answers that same sign-in instead of scanning again, whether the short code is typed
 * the same way or not (ABCD-2345, abcd2345) and whether the app link is the one read then or the QR code's
 * newer one (it changes every 10 seconds).
 */
const lastScanFile = (dataDir: string, pid: string) => path.join(devicesDir(dataDir), `${pid}.last-scan.json`);

/** What a code read from a login page names: the sign-in of an app link, or a short code as the server keeps it. */
function signInNamedBy(code: string): string {
  if (URL.canParse(code)) {
    const loginId = loginIdOfAppLink(new URL(code));
    return loginId ? `link:${loginId}` : code;
  }
  const shortCode = parseShortCode(code);
  return shortCode ? `code:${shortCode}` : code;
}

export function rememberScan(dataDir: string, pid: string, code: string, loginId: string): void {
  fs.writeFileSync(lastScanFile(dataDir, pid), `${JSON.stringify({ code: signInNamedBy(code), loginId })}\n`, { mode: 0o600 });
}

/** The id of the sign-in this device scanned with a code naming the same sign-in as `code`, if that was its last scan. */
export function scannedWith(dataDir: string, pid: string, code: string): string | undefined {
  const file = lastScanFile(dataDir, pid);
  if (!fs.existsSync(file)) return undefined;
  const last = JSON.parse(fs.readFileSync(file, 'utf8')) as { code?: unknown; loginId?: unknown };
  return last.code === signInNamedBy(code) && typeof last.loginId === 'string' ? last.loginId : undefined;
}

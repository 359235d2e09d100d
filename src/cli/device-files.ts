import fs from 'node:fs';
import path from 'node:path';
import type { VirtualDeviceState } from '../devices/virtual-device.ts';
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
  if (!chosen) throw new CliError(`No virtual device in ${devicesDir(dataDir)}: enrol one with "device enroll" first.`);
  const file = path.join(devicesDir(dataDir), `${chosen}.json`);
  if (!fs.existsSync(file)) throw new CliError(`No virtual device for ${chosen} in ${devicesDir(dataDir)}: enrol one with "device enroll --pid ${chosen} ...".`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as VirtualDeviceState;
}

/*
 * The sign-in a device scanned last, by the code it was scanned with: a code is scanned once, so a command run
 * again after a wrong PIN answers that same sign-in instead of scanning again.
 */
const lastScanFile = (dataDir: string, pid: string) => path.join(devicesDir(dataDir), `${pid}.last-scan.json`);

export function rememberScan(dataDir: string, pid: string, code: string, loginId: string): void {
  fs.writeFileSync(lastScanFile(dataDir, pid), `${JSON.stringify({ code, loginId })}\n`, { mode: 0o600 });
}

/** The id of the sign-in this device scanned with `code`, if that was its last scan. */
export function scannedWith(dataDir: string, pid: string, code: string): string | undefined {
  const file = lastScanFile(dataDir, pid);
  if (!fs.existsSync(file)) return undefined;
  const last = JSON.parse(fs.readFileSync(file, 'utf8')) as { code?: unknown; loginId?: unknown };
  return last.code === code && typeof last.loginId === 'string' ? last.loginId : undefined;
}

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

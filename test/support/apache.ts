import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { inject } from 'vitest';

/** Apache httpd with mod_auth_openidc, as the suite found it (test/support/system-packages-setup.ts), or null. */
export const apacheWithOidc = inject('apacheWithOidc');

export interface RunningApache {
  url: string;
  /** What Apache has written to its error log so far, to show when a test fails. */
  errorLog(): string;
  /** Stops Apache, waits until it has exited, and removes its directory. */
  stop(): Promise<void>;
}

export interface ApacheSite {
  port: number;
  /** Modules beyond the few every server here loads, by name: `auth_openidc` for mod_auth_openidc.so. */
  modules: string[];
  /** Configuration for the site itself; `${root}` in it is the server's own temporary directory. */
  config: string;
  /** Files to write into that directory first (scripts are made executable). */
  files?: Record<string, string>;
}

/** Starts `apache2` in the foreground on 127.0.0.1:`port`, with everything it writes kept in a temporary directory. */
export async function startApache(site: ApacheSite): Promise<RunningApache> {
  if (!apacheWithOidc) throw new Error('No Apache to start; see test/support/system-packages-setup.ts');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'apache-'));
  // Started as root, Apache serves as www-data (below), which must be able to read the directory and run its scripts.
  fs.chmodSync(root, 0o755);
  for (const [name, text] of Object.entries(site.files ?? {})) fs.writeFileSync(path.join(root, name), text, { mode: 0o755 });

  const modules = ['mpm_prefork', 'authz_core', 'authn_core', ...site.modules];
  const errorLogPath = path.join(root, 'error.log');
  fs.writeFileSync(
    path.join(root, 'apache2.conf'),
    [
      // An Apache variable, so that the site's configuration can name the directory too.
      `Define root "${root}"`,
      'ServerRoot "${root}"',
      'ServerName 127.0.0.1',
      `Listen 127.0.0.1:${site.port}`,
      ...modules.map((name) => `LoadModule ${name}_module /usr/lib/apache2/modules/mod_${name}.so`),
      // Takes effect only when Apache starts as root.
      'User www-data',
      'Group www-data',
      'PidFile "${root}/apache2.pid"',
      'DefaultRuntimeDir "${root}"',
      'Mutex file:${root} default',
      'ErrorLog "${root}/error.log"',
      'LogLevel warn',
      site.config,
    ].join('\n'),
  );

  // Its own process group: on stopping, Apache signals its whole group, which would otherwise include this process.
  const apache = spawn(apacheWithOidc, ['-f', path.join(root, 'apache2.conf'), '-DFOREGROUND'], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Apache complains on stderr about what stops it before it has opened its error log (a bad directive, a taken port).
  let output = '';
  apache.stdout.setEncoding('utf8').on('data', (text: string) => (output += text));
  apache.stderr.setEncoding('utf8').on('data', (text: string) => (output += text));
  const exited = new Promise<void>((resolve) => apache.once('close', () => resolve()));
  const errorLog = () => output + (fs.existsSync(errorLogPath) ? fs.readFileSync(errorLogPath, 'utf8') : '');
  const stop = async () => {
    if (apache.exitCode === null && apache.signalCode === null) apache.kill('SIGTERM');
    await exited;
    fs.rmSync(root, { recursive: true, force: true });
  };

  // Any HTTP answer, even a 404, means Apache is serving.
  const url = `http://127.0.0.1:${site.port}`;
  const answers = () => fetch(url, { redirect: 'manual' }).then(() => true, () => false);
  const deadline = Date.now() + 10_000;
  while (!(await answers())) {
    if (apache.exitCode !== null || Date.now() > deadline) {
      const log = errorLog();
      await stop();
      throw new Error(`Apache did not start on port ${site.port}. Its error log:\n${log}`);
    }
    await sleep(50);
  }
  return { url, errorLog, stop };
}

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where Chromium is, or null when the page tests cannot run here. */
    chromiumPath: string | null;
  }
}

const onPath = (command: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/**
 * The page tests drive Debian's Chromium. On a fresh Debian machine where the tests run as root (a CI image,
 * a container), `npm test` installs it, so the README's two commands are all the set-up there is. Elsewhere
 * the page tests are skipped with a word on how to run them, except under CI, where everything must run.
 */
export default function setup(project: TestProject): void {
  const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!fs.existsSync(chromiumPath) && !process.env.CHROMIUM_PATH && process.getuid?.() === 0 && onPath('apt-get')) {
    process.stdout.write('Installing Debian’s chromium for the login page tests (apt-get install chromium)…\n');
    execFileSync('sh', ['-c', 'apt-get update -qq && apt-get install -y -qq --no-install-recommends -o Dpkg::Use-Pty=0 chromium >/dev/null'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  }
  if (fs.existsSync(chromiumPath)) {
    project.provide('chromiumPath', chromiumPath);
    return;
  }
  const howTo = `Chromium is not at ${chromiumPath}: install Debian's chromium package, or set CHROMIUM_PATH to a Chromium or Chrome.`;
  if (process.env.CI) throw new Error(howTo);
  process.stdout.write(`${howTo} The login page tests are skipped.\n`);
  project.provide('chromiumPath', null);
}

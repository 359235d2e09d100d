import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where Chromium is, or null when the page tests cannot run here. */
    chromiumPath: string | null;
    /** Debian's Python with Flask and Authlib, or null when the Python relying-party test cannot run here. */
    pythonWithAuthlib: string | null;
    /** Apache httpd with mod_auth_openidc, or null when the Apache relying-party test cannot run here. */
    apacheWithOidc: string | null;
  }
}

/** A Debian package a test needs, and the file that shows it is installed. */
interface SystemTool {
  key: 'chromiumPath' | 'pythonWithAuthlib' | 'apacheWithOidc';
  what: string;
  packages: string[];
  /** The file the tests run; an environment variable may point elsewhere (Chromium only). */
  path: string;
  /** Files that must also be there, for the tool to be whole. */
  alsoNeeds: string[];
}

const tools: SystemTool[] = [
  {
    key: 'chromiumPath',
    what: 'the login page tests (Chromium, with Thai fonts)',
    packages: ['chromium', 'fonts-thai-tlwg'],
    path: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    alsoNeeds: ['/usr/share/doc/fonts-thai-tlwg'],
  },
  {
    key: 'pythonWithAuthlib',
    what: 'the Python relying-party test (Flask and Authlib)',
    packages: ['python3-authlib', 'python3-flask', 'python3-requests'],
    path: '/usr/bin/python3',
    alsoNeeds: ['/usr/lib/python3/dist-packages/authlib', '/usr/lib/python3/dist-packages/flask', '/usr/lib/python3/dist-packages/requests'],
  },
  {
    key: 'apacheWithOidc',
    what: 'the Apache relying-party test (mod_auth_openidc)',
    packages: ['apache2', 'libapache2-mod-auth-openidc'],
    path: '/usr/sbin/apache2',
    alsoNeeds: ['/usr/lib/apache2/modules/mod_auth_openidc.so'],
  },
];

const present = (tool: SystemTool) => [tool.path, ...tool.alsoNeeds].every((file) => fs.existsSync(file));

const onPath = (command: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/**
 * Some tests drive programs that relying parties and citizens really use: Debian's Chromium, Python's Authlib,
 * Apache's mod_auth_openidc. On a Debian machine where the tests run as root (a CI image, a container),
 * `npm test` installs what is missing, so the README's two commands are all the set-up there is. Elsewhere those
 * tests are skipped with a word on how to run them, except under CI, where everything must run.
 */
export default function setup(project: TestProject): void {
  const missing = tools.filter((tool) => !present(tool) && !(tool.key === 'chromiumPath' && process.env.CHROMIUM_PATH));
  if (missing.length > 0 && process.getuid?.() === 0 && onPath('apt-get')) {
    const packages = missing.flatMap((tool) => tool.packages);
    process.stdout.write(`Installing Debian packages for ${missing.map((tool) => tool.what).join(', ')}: ${packages.join(' ')}…\n`);
    execFileSync(
      'sh',
      ['-c', `apt-get update -qq && apt-get install -y -qq --no-install-recommends -o Dpkg::Use-Pty=0 ${packages.join(' ')} >/dev/null`],
      { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } },
    );
  }
  const problems: string[] = [];
  for (const tool of tools) {
    if (present(tool)) {
      project.provide(tool.key, tool.path);
      continue;
    }
    const where = tool.key === 'chromiumPath' ? ', or set CHROMIUM_PATH to a Chromium or Chrome' : '';
    problems.push(`${tool.what} need Debian's ${tool.packages.join(', ')}${where}.`);
    project.provide(tool.key, null);
  }
  if (problems.length === 0) return;
  if (process.env.CI) throw new Error(problems.join(' '));
  process.stdout.write(`Skipped: ${problems.join(' ')}\n`);
}

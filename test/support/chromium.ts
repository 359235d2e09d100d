import { chromium, type Browser } from 'playwright-core';
import { inject } from 'vitest';

/** Where the suite found Chromium (test/support/system-packages-setup.ts), or null when the page tests are skipped. */
export const chromiumPath = inject('chromiumPath');

/** Debian's Chromium, headless, with the switches that keep it off the network it cannot reach (and any `extraArgs`). */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  if (!chromiumPath) throw new Error('No Chromium to launch; see test/support/system-packages-setup.ts');
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
  });
}

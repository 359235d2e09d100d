import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/system-packages-setup.ts', 'test/support/pglite-template-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Every file starts its own database and server; two at a time suits a 2-core machine.
    maxWorkers: 2,
  },
});

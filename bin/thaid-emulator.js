#!/usr/bin/env node
// Runs the TypeScript sources directly, which needs Node 22.18 or newer (type stripping).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `thaid-emulator needs Node.js 22.18 or newer; this is ${process.version}. ` +
      'Run it through npm ("npm run cli -- ..." or "npx thaid-emulator ..."), which uses the Node.js the project installs.\n',
  );
  process.exit(1);
}
await import('../src/cli/main.ts');

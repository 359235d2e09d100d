import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const src = path.join(import.meta.dirname, '..', '..', 'src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(file) : file.endsWith('.ts') ? [file] : [];
  });
}

describe('the provider storage', () => {
  it('is read and written only by the adapter and its queries: no other module names oidc_payloads', () => {
    // The schema only declares the table's row type, for those queries.
    const owners = new Set(['oidc/adapter.ts', 'oidc/payload-statements.ts', 'oidc/grant-queries.ts', 'db/schema.ts']);
    const naming = sourceFiles(src)
      .filter((file) => fs.readFileSync(file, 'utf8').includes('oidc_payloads'))
      .map((file) => path.relative(src, file).split(path.sep).join('/'));
    expect(naming.filter((file) => !owners.has(file))).toEqual([]);
    expect(naming).toContain('oidc/payload-statements.ts');
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** An empty embedded database made once for the run, to copy; null when the tests run on PostgreSQL. */
    pgliteTemplate: string | null;
  }
}

/**
 * Makes one empty embedded database cluster for the whole run. Creating one runs initdb in WebAssembly, about
 * six seconds; each test copies this one instead, in well under a second. It is as initdb left it: no
 * migrations, so a test's database starts as a first start's does.
 */
export default async function setup(project: TestProject) {
  if (process.env.TEST_DATABASE_URL) {
    project.provide('pgliteTemplate', null);
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thaid-pglite-template-'));
  const template = path.join(dir, 'pglite');
  const pglite = await PGlite.create(template);
  await pglite.close();
  project.provide('pgliteTemplate', template);
  return () => fs.rmSync(dir, { recursive: true, force: true });
}

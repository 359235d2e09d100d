import { writeFile } from 'node:fs/promises';
import { apiDocuments } from '../api-documents.ts';
import { openApiYaml } from '../http/openapi.ts';

// `npm run docs:openapi`: regenerates the OpenAPI documents in docs/ from the routes' declarations.
for (const { file, api } of apiDocuments) {
  await writeFile(new URL(`../../${file}`, import.meta.url), openApiYaml(api));
  process.stdout.write(`wrote ${file}\n`);
}

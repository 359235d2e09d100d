import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { apiDocuments } from '../../src/api-documents.ts';
import { openApiYaml } from '../../src/http/openapi.ts';

const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

describe('the OpenAPI documents in docs/', () => {
  for (const { file, api, routers } of apiDocuments) {
    it(`${file} is the one the route declarations generate`, async () => {
      const committed = await readFile(new URL(`../../${file}`, import.meta.url), 'utf8').catch(() => 'no such file');
      const generated = openApiYaml(api);
      expect(generated, `${file} does not match the route declarations: run "npm run docs:openapi" and commit the result`).toBe(committed);
    });

    it(`${file} declares every route its routers serve, and no other`, () => {
      // The routers only keep their dependencies for the requests they answer; none comes here.
      const served = routers.flatMap((router) =>
        router({} as never).stack.flatMap((layer) =>
          layer.methods.filter((method) => method !== 'HEAD').map((method) => `${method} ${openApiPath(String(layer.path))}`),
        ),
      );
      const declared = api.registry.definitions.flatMap((definition) =>
        definition.type === 'route' ? [`${definition.route.method.toUpperCase()} ${definition.route.path}`] : [],
      );
      expect(served.sort(), 'each route a router serves is declared with declareRoute, and each declared one is served').toEqual(declared.sort());
    });
  }
});

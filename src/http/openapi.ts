import { OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { stringify } from 'yaml';
import type { Api } from './api-routes.ts';

/** The OpenAPI 3.1 document of an API's declared routes, as YAML. */
export function openApiYaml(api: Api): string {
  const { title, description, authentication } = api.info;
  const document = new OpenApiGeneratorV31(api.registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title, version: '1', description },
    servers: [{ url: 'http://localhost:3000' }],
    security: [{ [authentication.name]: [] }],
  });
  // Long lines stay whole, so a changed word changes one line of the committed file; YAML 1.1 quoting keeps
  // values such as 1988-05-14 strings for readers of either YAML version.
  return stringify(document, { lineWidth: 0, version: '1.1' });
}

import { Api } from '../http/api-routes.ts';

/** The API an agency reads about its own systems with, as docs/agency-api.openapi.yaml describes it. */
export const agencyApi = new Api({
  title: 'ThaID emulator agency API',
  prefix: '/api',
  description: `What an agency may read about its own systems (relying parties): how many times each data item was disclosed to
them, per day. Counts only: no citizen is ever named.

Authenticate as at the token endpoint, with the client credentials of any one of the agency's systems:
\`Authorization: Basic base64(client_id:client_secret)\` (client_secret_basic, RFC 6749 section 2.3.1). A public
client has no secret and cannot read counts; nor can a suspended system, or one of a suspended agency. The answer
covers every system of the authenticated system's agency, and that agency only.

Errors are JSON: \`{ "error": "<code>", "error_description": "<what to do>" }\`.

This document is generated from the routes' declarations (\`npm run docs:openapi\`).
`,
  authentication: {
    name: 'clientSecretBasic',
    scheme: 'basic',
    description: "A system's client_id and client_secret, as at the token endpoint (client_secret_basic).",
  },
  commonErrors: {
    401: 'invalid_client: no client credentials, wrong ones, a public client (no secret), or a system or agency that is not active',
  },
});

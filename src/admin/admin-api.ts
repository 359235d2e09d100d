import { Api } from '../http/api-routes.ts';

/** The admin API, as docs/admin-api.openapi.yaml describes it. */
export const adminApi = new Api({
  title: 'ThaID emulator admin API',
  prefix: '/admin/api',
  description: `The API the thaid-emulator command talks to while the server owns the database (\`rp create\`,
\`citizen show\`, \`citizen list\`, \`keys rotate\`, \`enrolment-code\`): registering relying parties, reading the
synthetic civil registry, issuing enrolment codes and rotating signing keys.

Agencies' applications (\`application …\`, \`letter …\`) are filed, decided and read here: the admin token acts as the
sandbox operator and may take every step, including both the preparation and the approval of one application,
which no member of staff may do alone.

\`ledger verify\` reads the disclosure ledger's entries and signed tree heads here. The ledger's public tree head,
signing keys and proofs (\`/ledger/tree-head\`, \`/ledger/keys\`, \`/ledger/proofs/inclusion\`,
\`/ledger/proofs/consistency\`) need no token and are not part of this API; the README describes them.

Every request carries the admin token: \`Authorization: Bearer <token>\`, the token being ADMIN_TOKEN or, when that
is unset, the one the server wrote to DATA_DIR/admin-token on its first start. Bodies are JSON, sent with
\`Content-Type: application/json\`, of at most 64 KiB (256 KiB for publishing conditions, whose texts may be 20,000
characters in each language); a larger one is refused with 413. A text holding a NUL character (U+0000) is refused
with 400.

Errors are JSON: \`{ "error": "<code>", "error_description": "<what to do>" }\`.

This document is generated from the routes' declarations (\`npm run docs:openapi\`).
`,
  authentication: {
    name: 'adminToken',
    scheme: 'bearer',
    description: 'The admin token: ADMIN_TOKEN, or the token in DATA_DIR/admin-token written on the first start.',
  },
  commonErrors: {
    401: 'unauthorized: no admin token, or not the right one',
  },
});

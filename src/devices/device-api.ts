import { Api } from '../http/api-routes.ts';
import { deviceApiPrefix } from './paths.ts';

/** The device API, as docs/device-api.openapi.yaml describes it: the device's own routes and its side of a sign-in. */
export const deviceApi = new Api({
  title: 'ThaID emulator device API',
  prefix: deviceApiPrefix,
  description: `The API a ThaID device (the phone app, or the virtual device in src/devices/virtual-device.ts) uses to enrol and
to answer sign-in requests.

Every request is signed. Send \`Authorization: ThaID-Device <JWS>\`, an ES256 compact JWS made with the device's
own P-256 private key (a 64-byte R‖S signature; no \`crit\` header), with protected header
\`typ: thaid-device-request+jwt\` and payload:

| claim | value |
| --- | --- |
| \`htm\` | the HTTP method |
| \`htu\` | the request path with its query string, as sent, e.g. \`/device/v1/logins/scan\` |
| \`bd\` | base64url SHA-256 of the exact body bytes (of the empty string when there is no body) |
| \`iat\` | seconds since the epoch; refused when more than 60 s from the server's clock |
| \`nonce\` | 16 to 128 random base64url characters (\`A-Z a-z 0-9 - _\`); a nonce is accepted once |

Enrolment requests put the new public key in the header (\`jwk\`), proving possession of it; every later request
names the device with \`kid\` (the \`deviceId\` enrolment returned).

Errors are JSON, whatever the Accept header: \`{ "error": "<code>", "error_description": "<what to do>" }\`,
with \`details\` where there is more to say (the problems of a weak PIN, say). Every signed route can also answer
401 with invalid_signature, stale_request, replayed_request or device_revoked (another phone was enrolled for the
citizen), 400 invalid_request for a body that is not JSON, and 413 invalid_request for one larger than 64 KiB.

This document is generated from the routes' declarations (\`npm run docs:openapi\`).
`,
  authentication: {
    name: 'deviceSignature',
    scheme: 'ThaID-Device',
    description:
      "`Authorization: ThaID-Device <JWS>`: an ES256 compact JWS, made with the device's own key, over the method, " +
      'the path, a digest of the body, the time and a nonce (the claims are listed in the description of the API).',
  },
  commonErrors: {
    401: 'invalid_signature, stale_request, replayed_request or device_revoked (another phone was enrolled for the citizen)',
  },
});

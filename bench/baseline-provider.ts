/**
 * The benchmark's baseline: a bare oidc-provider (same library version, in-memory storage, no pages) doing the
 * same code flow, with one argon2id verification (same parameters as the PIN check) per login. With
 * BASELINE_DATABASE_URL, it keeps its storage in PostgreSQL instead (bench/baseline-storage.ts).
 *   PORT=4000 [BASELINE_DATABASE_URL=postgres://...] node bench/baseline-provider.ts
 */
import http from 'node:http';
import argon2 from 'argon2';
import Provider from 'oidc-provider';
import { baselineStorage } from './baseline-storage.ts';

const port = Number(process.env.PORT ?? 4000);
const issuer = `http://127.0.0.1:${port}`;
const pinOptions = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
const pinHash = await argon2.hash('40718263', pinOptions);

const storageUrl = process.env.BASELINE_DATABASE_URL;
const provider = new Provider(issuer, {
  ...(storageUrl ? { adapter: await baselineStorage(storageUrl) } : {}),
  clients: [
    {
      client_id: 'baseline',
      client_secret: 'baseline-secret',
      redirect_uris: ['http://localhost:8080/callback'],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ],
  findAccount: async (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub, pid: sub, name: 'สมชาย ใจดี' }) }),
  claims: { openid: ['sub'], pid: ['pid'], name: ['name'] },
  features: { devInteractions: { enabled: false } },
  pkce: { required: () => false },
  conformIdTokenClaims: false,
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  ttl: { AccessToken: 3600, AuthorizationCode: 60, IdToken: 3600, Interaction: 600, Session: 3600, Grant: 3600 },
});

const app = http.createServer(async (req, res) => {
  if (req.url?.startsWith('/interaction/')) {
    const details = await provider.interactionDetails(req, res);
    await argon2.verify(pinHash, '40718263');
    const grant = new provider.Grant({ accountId: '1103000123455', clientId: 'baseline' });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { login: { accountId: '1103000123455' }, consent: { grantId } }, { mergeWithLastSubmission: false });
    return;
  }
  provider.callback()(req, res);
});
app.listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
// Exit normally when the benchmark stops it, so that a profile asked for with --cpu-prof is written.
process.once('SIGTERM', () => process.exit(0));

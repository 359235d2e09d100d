import { sql, type Kysely } from 'kysely';
import { credentialMatches } from '../agencies/client-credentials.ts';
import { systemExists, systemSecretHash } from '../agencies/queries.ts';
import { registerSandboxRelyingParty } from '../applications/sandbox-registration.ts';
import type { Schema } from '../db/schema.ts';
import { getSetting, setSettingOnce } from '../instance/settings.ts';
import { claimScopes } from '../oidc/scopes.ts';
import { seedDemoPersonas, seedRegistry } from '../registry/seed.ts';

/** The documented demo relying party. Its secret is public on purpose: it exists for first steps on a laptop. */
export const demoRelyingParty = {
  clientId: 'thaid-demo-client',
  clientSecret: 'demo-secret-for-local-development-only',
  /** Migration 0009 gives the same key to a demo relying party made before keys were issued. */
  apiKey: 'demo-api-key-for-local-development-only',
  name: 'หน่วยงานทดลอง',
  nameEn: 'Demo Agency',
  systemName: 'Demo relying party',
  purpose: 'ทดลองเข้าสู่ระบบด้วย ThaID · Trying out sign-in with ThaID',
  redirectUris: ['http://localhost:8080/callback', 'http://127.0.0.1:8080/callback'],
  scopes: [...claimScopes],
} as const;

const DEMO_MARKER = 'demo_data_seeded';
// Any fixed number: processes starting together on a new database must not each register the demo relying party.
const DEMO_LOCK = 20_230_713;

export interface DemoSeedResult {
  seededNow: boolean;
  citizens: number;
}

/**
 * On the first start of an installation: the demo personas, `count` generated citizens and the demo relying
 * party. Each step is idempotent, and the marker is written last, so an interrupted first start finishes later.
 */
export async function seedDemoDataOnFirstStart(
  db: Kysely<Schema>,
  options: { registrySeed: number; count: number },
): Promise<DemoSeedResult> {
  if (await getSetting(db, DEMO_MARKER)) return { seededNow: false, citizens: 0 };
  const personas = await seedDemoPersonas(db);
  const { inserted } = await seedRegistry(db, { seed: options.registrySeed, count: options.count });
  await db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${DEMO_LOCK})`.execute(trx);
    if (await systemExists(trx, demoRelyingParty.clientId)) return;
    // Through an application like any agency's, made and approved by the first start, with a permission letter.
    const { clientId, clientSecret, apiKey, redirectUris, scopes, ...names } = demoRelyingParty;
    await registerSandboxRelyingParty(
      trx,
      { kind: 'first_start' },
      { ...names, redirectUris: [...redirectUris], scopes: [...scopes] },
      { demoCredentials: { clientId, clientSecret, apiKey } },
    );
  });
  await setSettingOnce(db, DEMO_MARKER, { at: new Date().toISOString() });
  return { seededNow: true, citizens: personas + inserted };
}

/**
 * Whether the demo relying party's system still has the documented secret: `system rotate-secret` (or the agency
 * portal) replaces it, and the start-up banner then stops printing it as the secret to use.
 */
export async function demoSecretIsDocumented(db: Kysely<Schema>): Promise<boolean> {
  const hash = await systemSecretHash(db, demoRelyingParty.clientId);
  return typeof hash === 'string' && credentialMatches(demoRelyingParty.clientSecret, hash);
}

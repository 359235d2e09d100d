import { randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { sql, type Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { retiredKeyPublishSeconds } from './lifetimes.ts';
import { sealerOf, type KeySealer } from './key-sealing.ts';

const signingAlgorithms = ['RS256', 'ES256'] as const;
type SigningAlgorithm = (typeof signingAlgorithms)[number];

// Any fixed number: processes starting together must not each create a first key.
const KEYS_LOCK = 20_230_712;

async function newPrivateJwk(alg: SigningAlgorithm): Promise<JWK & { kid: string }> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'RS256' ? { modulusLength: 2048 } : {}) });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg, use: 'sig' };
}

async function insertKey(db: Kysely<Schema>, sealer: KeySealer, alg: SigningAlgorithm) {
  const jwk = await newPrivateJwk(alg);
  await db.insertInto('signing_keys').values({ kid: jwk.kid, alg, sealed_private_jwk: await sealer.seal(jwk) }).execute();
  return jwk.kid;
}

/**
 * Creates a first RS256 and ES256 key where there is none, and the cookie-signing key; seals keys stored in the
 * clear before keys were sealed (migration 0026).
 */
export async function ensureKeys(db: Kysely<Schema>): Promise<void> {
  const sealer = sealerOf(db);
  await db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${KEYS_LOCK})`.execute(trx);
    const unsealed = await trx.selectFrom('signing_keys').select(['kid', 'private_jwk']).where('private_jwk', 'is not', null).execute();
    for (const key of unsealed) {
      await trx
        .updateTable('signing_keys')
        .set({ sealed_private_jwk: await sealer.seal(key.private_jwk as JWK), private_jwk: null })
        .where('kid', '=', key.kid)
        .execute();
    }
    for (const alg of signingAlgorithms) {
      const current = await trx
        .selectFrom('signing_keys')
        .select('kid')
        .where('alg', '=', alg)
        .where('superseded_at', 'is', null)
        .executeTakeFirst();
      if (!current) await insertKey(trx, sealer, alg);
    }
    const cookieKey = await trx.selectFrom('cookie_keys').select('id').executeTakeFirst();
    if (!cookieKey) await trx.insertInto('cookie_keys').values({ secret: randomBytes(32).toString('base64url') }).execute();
  });
}

export interface RotationResult {
  added: string[];
  /** Superseded keys stay in the JWKS until this time, so tokens they signed still verify. */
  retiredKeysPublishedUntil: Date;
}

/** Adds a new key of every algorithm; the new one signs from now on, the old ones only verify. */
export async function rotateSigningKeys(db: Kysely<Schema>): Promise<RotationResult> {
  const sealer = sealerOf(db);
  const publishedUntil = new Date(Date.now() + retiredKeyPublishSeconds * 1000);
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${KEYS_LOCK})`.execute(trx);
    await trx
      .updateTable('signing_keys')
      .set({ superseded_at: new Date(), published_until: publishedUntil })
      .where('superseded_at', 'is', null)
      .execute();
    const added = [];
    for (const alg of signingAlgorithms) added.push(await insertKey(trx, sealer, alg));
    return { added, retiredKeysPublishedUntil: publishedUntil };
  });
}

/**
 * The private JWKs the provider loads: current keys first (the library signs with the first key that fits
 * an algorithm), then superseded keys still inside their publication window.
 */
export async function loadSigningKeys(db: Kysely<Schema>): Promise<JWK[]> {
  const sealer = sealerOf(db);
  const rows = await db
    .selectFrom('signing_keys')
    .select(['kid', 'sealed_private_jwk', 'private_jwk'])
    .where((eb) => eb.or([eb('published_until', 'is', null), eb('published_until', '>', new Date())]))
    .orderBy(sql`superseded_at is null`, 'desc')
    .orderBy('created_at', 'desc')
    .execute();
  // A key still in the clear is one ensureKeys has not sealed yet (another process may be starting).
  return Promise.all(rows.map((row) => (row.sealed_private_jwk ? sealer.open(row.sealed_private_jwk, row.kid) : (row.private_jwk as JWK))));
}

// The members of an RSA or EC public key and what names it: anything else (a private member) is left out.
const publicMembers = ['kty', 'crv', 'x', 'y', 'n', 'e', 'kid', 'alg', 'use'];

/** The public half of a JWK: what anyone may hold to check a signature. */
const publicJwkOf = (jwk: JWK): JWK => Object.fromEntries(Object.entries(jwk).filter(([name]) => publicMembers.includes(name))) as JWK;

/**
 * The public JWKs of every signing key the provider has ever had, oldest first. Rows are never deleted, so a
 * signature made long ago (a ledger tree head) still checks after its key has left the JWKS.
 */
export async function allPublicSigningKeys(db: Kysely<Schema>): Promise<JWK[]> {
  const sealer = sealerOf(db);
  const rows = await db.selectFrom('signing_keys').select(['kid', 'sealed_private_jwk', 'private_jwk']).orderBy('created_at').orderBy('kid').execute();
  const keys = await Promise.all(rows.map((row) => (row.sealed_private_jwk ? sealer.open(row.sealed_private_jwk, row.kid) : (row.private_jwk as JWK))));
  return keys.map(publicJwkOf);
}

/** Cookie keys, newest first: the newest signs, every one verifies. */
export async function loadCookieKeys(db: Kysely<Schema>): Promise<string[]> {
  const rows = await db.selectFrom('cookie_keys').select('secret').orderBy('id', 'desc').execute();
  return rows.map((row) => row.secret);
}

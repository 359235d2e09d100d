import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CompactSign, compactVerify, createLocalJWKSet, decodeProtectedHeader, generateKeyPair } from 'jose';
import { sql } from 'kysely';
import * as oidc from 'openid-client';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DisclosureEntry } from '../../src/disclosures/ledger-entry.ts';
import { appendEntry } from '../../src/disclosures/ledger-queries.ts';
import type { TreeHeadBody } from '../../src/disclosures/ledger-schemas.ts';
import type { Citizen } from '../../src/registry/citizen.ts';
import { enrolledDevice, openLoginPage, startRelyingPartyLogin, testPin } from '../support/browser-login.ts';
import { newCitizen } from '../support/citizens.ts';
import { runCli } from '../support/cli.ts';
import { demo, discoverAsDemoClient } from '../support/relying-party.ts';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';

/*
 * The ledger's tamper evidence, end to end: the database refuses changes, and where someone switches its triggers
 * off and changes an entry anyway, `thaid-emulator ledger verify` finds it and names it.
 */

let server: TestServer;
let dataDir: string;
const citizens: Citizen[] = [];

/** Signs the citizen in at the demo relying party and fetches userinfo: the ledger gets real entries. */
async function signIn(citizen: Citizen) {
  const config = await discoverAsDemoClient(server);
  const device = await enrolledDevice(server, citizen);
  const rp = await startRelyingPartyLogin(config, demo.redirectUris[0], 'openid pid name');
  const login = await openLoginPage(server, rp.url);
  await device.approve((await device.scan(login.appLink)).id, login.matchNumber, testPin);
  const tokens = await rp.finish(await login.continueToRelyingParty());
  await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
}

beforeAll(async () => {
  server = await startTestServer();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'thaid-ledger-cli-'));
  for (let i = 0; i < 2; i++) {
    citizens.push(await newCitizen(server));
    await signIn(citizens[i]!);
  }
});
afterAll(async () => {
  await server?.dispose();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const verify = (...args: string[]) => runCli(['ledger', 'verify', ...args], { ISSUER: server.issuer, ADMIN_TOKEN: testAdminToken, DATA_DIR: dataDir });

interface Report {
  ok: boolean;
  tree_size: number;
  entries_checked: number;
  tree_heads_checked: number;
  signatures_verified: number;
  problems: { leaf_index?: number; tree_size?: number; leaves?: { from: number; to: number }; problem: string }[];
}

async function verifyAsJson(...args: string[]): Promise<{ status: number; stderr: string; report: Report }> {
  const result = await verify(...args, '--json');
  return { status: result.status, stderr: result.stderr, report: JSON.parse(result.stdout) as Report };
}

const signHeadNow = async () =>
  (await request(server.url).post('/admin/api/ledger/tree-heads').set('authorization', `Bearer ${testAdminToken}`).expect(200)).body as TreeHeadBody;

async function appendSome(count: number) {
  for (let i = 0; i < count; i++) {
    const entry: DisclosureEntry = {
      kind: 'disclosure',
      at: new Date().toISOString(),
      pid: citizens[1]!.pid,
      agency: { id: 'tamper-test', th: 'หน่วยงาน', en: 'Agency' },
      system: { clientId: 'tamper-test', name: 'ระบบ' },
      purpose: 'ทดสอบ',
      items: ['openid'],
      endpoint: 'userinfo',
      api: 'v2',
      grantId: null,
      requestId: null,
    };
    await appendEntry(server.database.db, entry);
  }
}

/** Runs `change` with the ledger's append-only trigger switched off, as someone with the database's owner's rights could. */
async function bypassingTheTrigger(change: string) {
  const { db } = server.database;
  await sql`alter table ledger_entries disable trigger ledger_entries_append_only`.execute(db);
  try {
    await sql.raw(change).execute(db);
  } finally {
    await sql`alter table ledger_entries enable trigger ledger_entries_append_only`.execute(db);
  }
}

/** The same, for the signed heads' append-only trigger. */
async function bypassingTheHeadsTrigger(change: string) {
  const { db } = server.database;
  await sql`alter table ledger_tree_heads disable trigger ledger_tree_heads_append_only`.execute(db);
  try {
    await sql.raw(change).execute(db);
  } finally {
    await sql`alter table ledger_tree_heads enable trigger ledger_tree_heads_append_only`.execute(db);
  }
}

const headSignature = async (treeSize: number) =>
  (await server.database.db.selectFrom('ledger_tree_heads').select('signature').where('tree_size', '=', sql<string>`${treeSize}`).executeTakeFirstOrThrow()).signature;
const entryText = async (leafIndex: number) =>
  (await server.database.db.selectFrom('ledger_entries').select('entry').where('leaf_index', '=', sql<string>`${leafIndex}`).executeTakeFirstOrThrow()).entry;
const newestLeafOf = async (pid: string) =>
  Number((await server.database.db.selectFrom('ledger_entries').select('leaf_index').where('pid', '=', pid).orderBy('leaf_index', 'desc').executeTakeFirstOrThrow()).leaf_index);

/** The leaf indexes of a citizen's history, as the admin API shows it. */
async function historyLeafIndexes(pid: string): Promise<number[]> {
  const { body } = await request(server.url).get(`/admin/api/citizens/${pid}/history?limit=1000`).set('authorization', `Bearer ${testAdminToken}`).expect(200);
  return (body.entries as { leafIndex: number }[]).map((e) => e.leafIndex);
}
const quoted = (text: string) => `'${text.replaceAll("'", "''")}'`;
/** The items column as migration 0013's trigger reads it from this text. */
const itemsColumnOf = (text: string) => `array(select jsonb_array_elements_text(cast(${quoted(text)} as jsonb) -> 'items'))`;

describe('the disclosure ledger’s tamper evidence', () => {
  it('is written by real sign-ins: a disclosure for the token response and for userinfo, and the citizen’s answer', async () => {
    const kinds = await server.database.db.selectFrom('ledger_entries').select(['pid', 'kind']).where('pid', '=', citizens[0]!.pid).execute();
    expect(kinds.filter((k) => k.kind === 'disclosure')).toHaveLength(2);
    expect(kinds.filter((k) => k.kind === 'event').length).toBeGreaterThan(0);
  });

  it('is refused by the database: no update, delete or truncate of entries or signed heads', async () => {
    const { db } = server.database;
    await signHeadNow();
    for (const statement of [
      'update ledger_entries set entry = entry',
      'delete from ledger_entries where leaf_index = 0',
      'truncate ledger_entries',
      'update ledger_tree_heads set signature = signature',
      'delete from ledger_tree_heads',
      'truncate ledger_tree_heads',
      'truncate ledger_subtrees',
    ]) {
      await expect(sql.raw(statement).execute(db), statement).rejects.toThrow(/is append-only: its rows are never changed or removed/);
    }
    await expect(sql`update ledger_size set size = size - 1`.execute(db)).rejects.toThrow(/only grows by one/);
  });

  it('verifies when untouched, recomputing every entry and head', async () => {
    await signHeadNow();
    await appendSome(3);
    const { status, report } = await verifyAsJson();
    expect(status).toBe(0);
    const size = Number((await server.database.db.selectFrom('ledger_size').select('size').executeTakeFirstOrThrow()).size);
    // verify had the server sign a head over the three newest entries first.
    expect(report).toMatchObject({ ok: true, tree_size: size, entries_checked: size, problems: [] });
    const heads = await server.database.db.selectFrom('ledger_tree_heads').select('tree_size').execute();
    expect(heads.map((h) => Number(h.tree_size))).toContain(size);
    expect(report.tree_heads_checked).toBe(heads.length);
    expect(report.signatures_verified).toBe(heads.length);

    const human = await verify();
    expect(human.status).toBe(0);
    expect(human.stdout).toContain(`The disclosure ledger verifies: ${size} entries`);
  });

  it('publishes tree heads whose signatures verify with the provider’s public keys', async () => {
    const { body: head } = await request(server.url).get('/ledger/tree-head').expect(200);
    const { body: jwks } = await request(server.url).get('/api/v2/oauth2/jwks/').expect(200);
    const { payload, protectedHeader } = await compactVerify(head.signature, createLocalJWKSet(jwks));
    expect(protectedHeader).toMatchObject({ typ: 'thaid-tree-head+jws', kid: expect.any(String) });
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual({ tree_size: head.tree_size, root_hash: head.root_hash, timestamp: head.timestamp });
  });

  it('says a citizen with no entries has none, rather than that their 0 entries check out', async () => {
    const stranger = await newCitizen(server);
    const result = await verify('--pid', stranger.pid);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Citizen ${stranger.pid} has no entries in the ledger: nothing of theirs to check`));
  });

  it('verifies one citizen’s entries with inclusion proofs against the newest head', async () => {
    const [citizen] = citizens;
    const theirs = await server.database.db.selectFrom('ledger_entries').select('leaf_index').where('pid', '=', citizen!.pid).execute();
    const { status, report } = await verifyAsJson('--pid', citizen!.pid);
    expect(status).toBe(0);
    expect(report).toMatchObject({ ok: true, entries_checked: theirs.length, problems: [] });
    expect(theirs.length).toBeGreaterThanOrEqual(3);
  });

  it('names the leaf whose text was changed, and verifies again once it is put back', async () => {
    const leafIndex = 2;
    const original = await entryText(leafIndex);
    const edited = JSON.stringify({ ...JSON.parse(original), items: ['openid', 'pid', 'address'] });
    await bypassingTheTrigger(`update ledger_entries set entry = ${quoted(edited)} where leaf_index = ${leafIndex}`);
    try {
      const failed = await verify();
      expect(failed.status).toBe(65);
      expect(failed.stderr).toContain(`ledger verification failed: leaf ${leafIndex}'s stored leaf hash is not the hash of its text`);
      const { report } = await verifyAsJson();
      expect(report.ok).toBe(false);
      expect(report.problems[0]).toMatchObject({ leaf_index: leafIndex });

      const citizenOfLeaf = JSON.parse(original).pid as string;
      const forCitizen = await verifyAsJson('--pid', citizenOfLeaf);
      expect(forCitizen.status).toBe(65);
      expect(forCitizen.report.problems.map((p) => p.leaf_index)).toContain(leafIndex);
      expect(forCitizen.stderr).toContain(`leaf ${leafIndex}`);
    } finally {
      await bypassingTheTrigger(`update ledger_entries set entry = ${quoted(original)} where leaf_index = ${leafIndex}`);
    }
    expect((await verify()).status).toBe(0);
  });

  it('names the first signed head that no longer matches when an entry, its leaf hash and its columns were all changed', async () => {
    const before = await signHeadNow();
    await appendSome(4);
    const after = await signHeadNow();
    const leafIndex = before.tree_size + 1;
    const original = await entryText(leafIndex);
    const forged = JSON.stringify({ ...JSON.parse(original), items: ['openid', 'birthdate'] });
    await bypassingTheTrigger(
      `update ledger_entries set entry = ${quoted(forged)}, leaf_hash = sha256('\\x00'::bytea || convert_to(${quoted(forged)}, 'UTF8')), items = ${itemsColumnOf(forged)} where leaf_index = ${leafIndex}`,
    );
    try {
      // The heads around the changed leaf, whatever the server's own signer added meanwhile.
      const sizes = (await server.database.db.selectFrom('ledger_tree_heads').select('tree_size').orderBy('tree_size').execute()).map((h) => Number(h.tree_size));
      const failing = sizes.find((size) => size > leafIndex)!;
      const lastGood = sizes.filter((size) => size <= leafIndex).at(-1) ?? 0;
      expect(failing).toBeLessThanOrEqual(after.tree_size);

      const { status, stderr, report } = await verifyAsJson();
      expect(status).toBe(65);
      expect(report.problems[0]).toMatchObject({ tree_size: failing, leaves: { from: lastGood, to: failing - 1 } });
      expect(stderr).toContain(`tree head ${failing} (signed `);
      expect(stderr).toContain(`one of leaves ${lastGood} to ${failing - 1}, which it covers beyond the last head that matches (size ${lastGood}), was changed`);
    } finally {
      await bypassingTheTrigger(
        `update ledger_entries set entry = ${quoted(original)}, leaf_hash = sha256('\\x00'::bytea || convert_to(${quoted(original)}, 'UTF8')), items = ${itemsColumnOf(original)} where leaf_index = ${leafIndex}`,
      );
    }
    expect((await verify()).status).toBe(0);
  });

  it("does not say a citizen's unchanged entries were changed when another citizen's entry was, and points to the whole-log check", async () => {
    await signHeadNow();
    await appendSome(2);
    await signHeadNow();
    const [intact, other] = citizens;
    const leafIndex = await newestLeafOf(other!.pid);
    const original = await entryText(leafIndex);
    const forged = JSON.stringify({ ...JSON.parse(original), items: ['openid', 'birthdate'] });
    await bypassingTheTrigger(
      `update ledger_entries set entry = ${quoted(forged)}, leaf_hash = sha256('\\x00'::bytea || convert_to(${quoted(forged)}, 'UTF8')), items = ${itemsColumnOf(forged)} where leaf_index = ${leafIndex}`,
    );
    try {
      const { status, stderr, report } = await verifyAsJson('--pid', intact!.pid);
      expect(status).toBe(65);
      expect(report.problems.length).toBeGreaterThan(0);
      for (const { problem } of report.problems) expect(problem).not.toContain('as its text is now');
      expect(report.problems[0]!.problem).toMatch(/this one or another.*ledger verify" without --pid names which/);
      expect(stderr).toContain('without --pid');
    } finally {
      await bypassingTheTrigger(
        `update ledger_entries set entry = ${quoted(original)}, leaf_hash = sha256('\\x00'::bytea || convert_to(${quoted(original)}, 'UTF8')), items = ${itemsColumnOf(original)} where leaf_index = ${leafIndex}`,
      );
    }
    expect((await verify('--pid', intact!.pid)).status).toBe(0);
  });

  it('names a head no key of the server signed as such, without blaming entries for it or hiding a change behind it', async () => {
    await signHeadNow();
    await appendSome(3);
    await signHeadNow();
    const sizes = (await server.database.db.selectFrom('ledger_tree_heads').select('tree_size').orderBy('tree_size').execute()).map((h) => Number(h.tree_size));
    const forgedSize = [...Array(sizes.at(-1)).keys()].find((size) => size > 0 && !sizes.includes(size))!;
    // A head nobody signed: another head's signature over a made-up root, early in the log.
    await sql`insert into ledger_tree_heads (tree_size, root_hash, signed_at, signature)
      values (${forgedSize}, sha256('made up'), now(), ${await headSignature(sizes.at(-1)!)})`.execute(server.database.db);
    const leafIndex = sizes.at(-1)! - 1;
    const original = await entryText(leafIndex);
    const rewritten = JSON.stringify({ ...JSON.parse(original), items: ['openid', 'birthdate'] });
    await bypassingTheTrigger(
      `update ledger_entries set entry = ${quoted(rewritten)}, leaf_hash = sha256('\\x00'::bytea || convert_to(${quoted(rewritten)}, 'UTF8')), items = ${itemsColumnOf(rewritten)} where leaf_index = ${leafIndex}`,
    );
    try {
      const { status, report } = await verifyAsJson();
      expect(status).toBe(65);
      const aboutForged = report.problems.filter((p) => p.tree_size === forgedSize);
      expect(aboutForged).toEqual([{ tree_size: forgedSize, problem: expect.stringContaining('has a bad signature: the signature was made over a different tree_size') }]);
      // The change is named by the first signed head that covers it.
      const covering = sizes.find((size) => size > leafIndex)!;
      expect(report.problems[0]).toMatchObject({ tree_size: covering, problem: expect.stringContaining('does not match the entries') });
    } finally {
      await bypassingTheTrigger(
        `update ledger_entries set entry = ${quoted(original)}, leaf_hash = sha256('\\x00'::bytea || convert_to(${quoted(original)}, 'UTF8')), items = ${itemsColumnOf(original)} where leaf_index = ${leafIndex}`,
      );
      await bypassingTheHeadsTrigger(`delete from ledger_tree_heads where tree_size = ${forgedSize}`);
    }
    expect((await verify()).status).toBe(0);
  });

  it('publishes every signing key it ever had at /ledger/keys, public members only', async () => {
    const { body } = await request(server.url).get('/ledger/keys').expect(200);
    const kids = (await server.database.db.selectFrom('signing_keys').select('kid').execute()).map((k) => k.kid);
    expect(body.keys.map((k: { kid: string }) => k.kid).sort()).toEqual(kids.sort());
    for (const key of body.keys) for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key).not.toHaveProperty(member);
  });

  it('names a head whose signature was made with a key the server never had', async () => {
    const head = await signHeadNow();
    const { privateKey } = await generateKeyPair('ES256');
    const statement = { tree_size: head.tree_size, root_hash: head.root_hash, timestamp: head.timestamp };
    const forged = await new CompactSign(new TextEncoder().encode(JSON.stringify(statement)))
      .setProtectedHeader({ alg: 'ES256', kid: 'retired-key', typ: 'thaid-tree-head+jws' })
      .sign(privateKey);
    const original = await headSignature(head.tree_size);
    await bypassingTheHeadsTrigger(`update ledger_tree_heads set signature = ${quoted(forged)} where tree_size = ${head.tree_size}`);
    try {
      const { status, stderr, report } = await verifyAsJson();
      expect(status).toBe(65);
      expect(report.problems).toContainEqual({ tree_size: head.tree_size, problem: expect.stringContaining('signed by a key the server never had (kid retired-key)') });
      expect(stderr).toContain(`tree head ${head.tree_size} (signed `);
    } finally {
      await bypassingTheHeadsTrigger(`update ledger_tree_heads set signature = ${quoted(original)} where tree_size = ${head.tree_size}`);
    }
  });

  it('verifies heads signed with a key rotated out of the JWKS, with the keys at /ledger/keys', async () => {
    const old = await signHeadNow();
    const oldKid = decodeProtectedHeader(await headSignature(old.tree_size)).kid;
    await request(server.url).post('/admin/api/signing-keys/rotate').set('authorization', `Bearer ${testAdminToken}`).expect(200);
    await sql`update signing_keys set published_until = now() - interval '1 second' where superseded_at is not null`.execute(server.database.db);
    await server.maintain();
    const { body: jwks } = await request(server.url).get('/api/v2/oauth2/jwks/').expect(200);
    expect(jwks.keys.map((k: { kid: string }) => k.kid)).not.toContain(oldKid);

    await appendSome(1);
    const { status, report } = await verifyAsJson();
    expect(status).toBe(0);
    expect(report).toMatchObject({ ok: true, problems: [] });
    // The old head with the retired key, and the head verify had signed over the new entry with the new key.
    expect(report.signatures_verified).toBe(report.tree_heads_checked);
    expect(report).not.toHaveProperty('signatures_not_checked');
  });

  it('names the leaf whose pid column was moved to another citizen, whose history does not show it', async () => {
    await signHeadNow();
    const [first, second] = citizens;
    const leafIndex = await newestLeafOf(first!.pid);
    await bypassingTheTrigger(`update ledger_entries set pid = ${quoted(second!.pid)} where leaf_index = ${leafIndex}`);
    try {
      const { status, stderr, report } = await verifyAsJson();
      expect(status).toBe(65);
      expect(report.problems[0]).toMatchObject({ leaf_index: leafIndex });
      expect(stderr).toContain(
        `ledger verification failed: leaf ${leafIndex}'s index columns (pid) do not match its text: the citizen's history would show it to the wrong citizen or not at all`,
      );
      expect(await historyLeafIndexes(second!.pid)).not.toContain(leafIndex);
      // Checking the other citizen's entries, as the index lists them, finds it too.
      expect((await verifyAsJson('--pid', second!.pid)).report.problems).toContainEqual(expect.objectContaining({ leaf_index: leafIndex }));
    } finally {
      await bypassingTheTrigger(`update ledger_entries set pid = ${quoted(first!.pid)} where leaf_index = ${leafIndex}`);
    }
    expect(await historyLeafIndexes(first!.pid)).toContain(leafIndex);
  });


  it('names the leaf whose text is no longer JSON, and the citizen’s history still answers without it', async () => {
    await signHeadNow();
    const { pid } = citizens[0]!;
    const leafIndex = await newestLeafOf(pid);
    const original = await entryText(leafIndex);
    const shown = await historyLeafIndexes(pid);
    expect(shown).toContain(leafIndex);
    // Not JSON at all, and JSON that PostgreSQL's jsonb refuses (a NUL escape).
    for (const rewritten of ['removed', JSON.stringify({ ...JSON.parse(original), purpose: '\u0000' })]) {
      await bypassingTheTrigger(`update ledger_entries set entry = ${quoted(rewritten)} where leaf_index = ${leafIndex}`);
      try {
        const { status, report } = await verifyAsJson();
        expect(status).toBe(65);
        expect(report.problems[0]).toMatchObject({ leaf_index: leafIndex });
        expect(await historyLeafIndexes(pid)).toEqual(shown.filter((index) => index !== leafIndex));
      } finally {
        await bypassingTheTrigger(`update ledger_entries set entry = ${quoted(original)} where leaf_index = ${leafIndex}`);
      }
    }
    expect(await historyLeafIndexes(pid)).toEqual(shown);
  });

  it('names the leaf whose data items column no longer says what its text does', async () => {
    await signHeadNow();
    const leafIndex = await newestLeafOf(citizens[0]!.pid);
    const original = await entryText(leafIndex);
    await bypassingTheTrigger(`update ledger_entries set items = array['birthdate'] where leaf_index = ${leafIndex}`);
    try {
      const failed = await verify();
      expect(failed.status).toBe(65);
      expect(failed.stderr).toContain(`ledger verification failed: leaf ${leafIndex}'s index columns (items) do not match its text`);
    } finally {
      await bypassingTheTrigger(`update ledger_entries set items = ${itemsColumnOf(original)} where leaf_index = ${leafIndex}`);
    }
    expect((await verify()).status).toBe(0);
  });

  it('names the leaf whose row was deleted', async () => {
    await signHeadNow();
    const leafIndex = 4;
    await bypassingTheTrigger(`delete from ledger_entries where leaf_index = ${leafIndex}`);
    const failed = await verify();
    expect(failed.status).toBe(65);
    expect(failed.stderr).toContain(`ledger verification failed: leaf ${leafIndex} is missing: its row was deleted`);
    const { report } = await verifyAsJson();
    expect(report.problems[0]).toMatchObject({ leaf_index: leafIndex });
  });
});

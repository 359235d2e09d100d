import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { enrolledDevice, openLoginPage, startRelyingPartyLogin, testPin } from '../support/browser-login.ts';
import { newCitizen } from '../support/citizens.ts';
import { runCli } from '../support/cli.ts';
import { postgresServerUrl } from '../support/database.ts';
import { demo, discoverAsDemoClient } from '../support/relying-party.ts';
import { startServerProcess } from '../support/server-process.ts';
import { startTestServer, testAdminToken } from '../support/server.ts';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe.skipIf(!postgresServerUrl)('two server processes appending to one ledger on PostgreSQL', () => {
  it('number their entries without gaps or duplicates, and the log verifies', async () => {
    const first = await startTestServer();
    cleanups.push(() => first.dispose());
    const second = await startServerProcess({ databaseUrl: first.testDatabase.databaseUrl!, issuer: first.issuer });
    cleanups.push(() => second.stop());

    const citizen = await newCitizen(first);
    const device = await enrolledDevice(first, citizen);
    const config = await discoverAsDemoClient(first);
    const rp = await startRelyingPartyLogin(config, demo.redirectUris[0], 'openid pid name');
    const login = await openLoginPage(first, rp.url);
    await device.approve((await device.scan(login.appLink)).id, login.matchNumber, testPin);
    const tokens = await rp.finish(await login.continueToRelyingParty());

    // Every userinfo answer appends a disclosure; the two processes answer them at the same time.
    const calls = 60;
    const answers = await Promise.all(
      Array.from({ length: calls }, (_, i) =>
        fetch(`${i % 2 === 0 ? first.url : second.url}/api/v2/oauth2/userinfo/`, { headers: { authorization: `Bearer ${tokens.access_token}` } }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(calls).fill(200));

    const { db } = first.database;
    const rows = await db.selectFrom('ledger_entries').select(['leaf_index', 'entry', 'leaf_hash']).orderBy('leaf_index').execute();
    const size = Number((await db.selectFrom('ledger_size').select('size').executeTakeFirstOrThrow()).size);
    expect(rows.map((row) => Number(row.leaf_index))).toEqual(Array.from({ length: size }, (_, i) => i));
    for (const row of rows) {
      const leafHash = createHash('sha256').update(Buffer.from([0])).update(row.entry, 'utf8').digest();
      expect(Buffer.from(row.leaf_hash).equals(leafHash)).toBe(true);
    }
    const disclosures = rows.filter((row) => row.entry.includes(citizen.pid) && row.entry.includes('"userinfo"'));
    expect(disclosures).toHaveLength(calls);

    // The whole log, against a head signed over all of it, with both processes' signers running.
    const verified = await runCli(['ledger', 'verify'], { ISSUER: first.issuer, ADMIN_TOKEN: testAdminToken, DATA_DIR: first.testDatabase.dataDir });
    expect(verified.stderr).toBe('');
    expect(verified.status).toBe(0);
  });
});

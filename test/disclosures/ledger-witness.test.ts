import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CompactSign, generateKeyPair } from 'jose';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DisclosureEntry } from '../../src/disclosures/ledger-entry.ts';
import { appendEntry } from '../../src/disclosures/ledger-queries.ts';
import { runCli } from '../support/cli.ts';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';

/*
 * `ledger verify` remembers the newest head it verified (the witness), so that rewriting entries and removing the
 * signed heads that covered them, between two runs, fails the next run.
 */

let server: TestServer;
let dataDir: string;
const witnessFile = () => path.join(dataDir, 'ledger-witness.json');

beforeAll(async () => {
  server = await startTestServer();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'thaid-ledger-witness-'));
});
afterAll(async () => {
  await server?.dispose();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

interface Report {
  ok: boolean;
  tree_size: number;
  witness: { file: string; tree_size: number; verified_at: string } | null;
  problems: { tree_size?: number; problem: string }[];
}

async function verify(...args: string[]): Promise<{ status: number; stderr: string; report: Report }> {
  const result = await runCli(['ledger', 'verify', ...args, '--json'], { ISSUER: server.issuer, ADMIN_TOKEN: testAdminToken, DATA_DIR: dataDir });
  return { status: result.status, stderr: result.stderr, report: JSON.parse(result.stdout) as Report };
}

const disclosure = (items: string[]): DisclosureEntry => ({
  kind: 'disclosure',
  at: new Date().toISOString(),
  pid: '1101700230705',
  agency: { id: 'witness-test', th: 'หน่วยงาน', en: 'Agency' },
  system: { clientId: 'witness-test', name: 'ระบบ' },
  purpose: 'ทดสอบ',
  items,
  endpoint: 'userinfo',
  api: 'v2',
  grantId: null,
  requestId: null,
});

async function appendSome(count: number) {
  for (let i = 0; i < count; i++) await appendEntry(server.database.db, disclosure(['openid']));
}

const keptWitness = () => JSON.parse(fs.readFileSync(witnessFile(), 'utf8')) as { tree_size: number; root_hash: string; verified_at: string };

/** Runs the statements with the ledger's append-only triggers switched off, as the database's owner could. */
async function bypassingTheTriggers(...changes: string[]) {
  const { db } = server.database;
  await sql`alter table ledger_entries disable trigger ledger_entries_append_only`.execute(db);
  await sql`alter table ledger_tree_heads disable trigger ledger_tree_heads_append_only`.execute(db);
  try {
    for (const change of changes) await sql.raw(change).execute(db);
  } finally {
    await sql`alter table ledger_entries enable trigger ledger_entries_append_only`.execute(db);
    await sql`alter table ledger_tree_heads enable trigger ledger_tree_heads_append_only`.execute(db);
  }
}

const quoted = (text: string) => `'${text.replaceAll("'", "''")}'`;

describe('the witness of ledger verify', () => {
  it('is the newest head a passing run verified, kept in DATA_DIR, and the next run checks the log extends it', async () => {
    await appendSome(3);
    const first = await verify();
    expect(first.status).toBe(0);
    expect(first.report.witness).toBeNull();
    const kept = keptWitness();
    expect(kept).toMatchObject({ tree_size: first.report.tree_size });

    await appendSome(2);
    const second = await verify();
    expect(second.status).toBe(0);
    expect(second.report.witness).toEqual({ file: witnessFile(), tree_size: kept.tree_size, verified_at: kept.verified_at });
    expect(second.report.witness!.tree_size).toBeLessThan(second.report.tree_size);
    expect(keptWitness()).toMatchObject({ tree_size: second.report.tree_size });
  });

  it('is kept in the file --witness names', async () => {
    const elsewhere = path.join(dataDir, 'auditor', 'witness.json');
    const { status, report } = await verify('--witness', elsewhere);
    expect(status).toBe(0);
    expect(report.witness).toBeNull();
    expect(JSON.parse(fs.readFileSync(elsewhere, 'utf8'))).toMatchObject({ tree_size: report.tree_size });
  });

  it("names its server, and refuses to stand for another server's ledger", async () => {
    const file = path.join(dataDir, 'issuer-witness.json');
    expect((await verify('--witness', file)).status).toBe(0);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({ issuer: server.issuer });
    const other = await runCli(['ledger', 'verify', '--witness', file], { ISSUER: 'http://127.0.0.1:9', ADMIN_TOKEN: testAdminToken, DATA_DIR: dataDir });
    expect(other.status).toBe(1);
    expect(other.stderr).toContain(`was kept for the server at ${server.issuer}, not http://127.0.0.1:9: give each server a file of its own`);
  });

  it("says when the kept head is another database's, signed by a key this server never had", async () => {
    const file = path.join(dataDir, 'old-database-witness.json');
    expect((await verify('--witness', file)).status).toBe(0);
    const kept = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    // As a database started anew would have signed it: another key, and a log this one does not extend.
    const { privateKey } = await generateKeyPair('ES256');
    const statement = { tree_size: 1_000_000, root_hash: Buffer.alloc(32, 9).toString('base64'), timestamp: Date.now() };
    const signature = await new CompactSign(new TextEncoder().encode(JSON.stringify(statement)))
      .setProtectedHeader({ alg: 'ES256', kid: 'old-database-key', typ: 'thaid-tree-head+jws' })
      .sign(privateKey);
    fs.writeFileSync(file, JSON.stringify({ ...kept, ...statement, signature }));
    const result = await runCli(['ledger', 'verify', '--witness', file], { ISSUER: server.issuer, ADMIN_TOKEN: testAdminToken, DATA_DIR: dataDir });
    expect(result.status).toBe(65);
    expect(result.stderr).toContain(`signed by a key this server never had, so its database was started anew (or its keys were replaced): if it was started anew, remove ${file} to start afresh`);
  });

  it('refuses a file that is not a kept head, rather than starting afresh', async () => {
    const broken = path.join(dataDir, 'broken-witness.json');
    fs.writeFileSync(broken, '{"tree_size": "many"}');
    const result = await runCli(['ledger', 'verify', '--witness', broken], { ISSUER: server.issuer, ADMIN_TOKEN: testAdminToken, DATA_DIR: dataDir });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`The ledger witness ${broken} is not a tree head kept by ledger verify`);
  });

  it('fails the run after an entry it covers was rewritten and the signed heads that covered it removed', async () => {
    const kept = keptWitness();
    const leafIndex = 1;
    const forged = JSON.stringify({ ...disclosure(['openid', 'pid', 'address']), at: '2026-01-01T00:00:00.000Z' });
    await bypassingTheTriggers(
      `update ledger_entries set entry = ${quoted(forged)}, leaf_hash = sha256('\\x00'::bytea || convert_to(${quoted(forged)}, 'UTF8')),
         items = array['openid', 'pid', 'address'], created_at = '2026-01-01T00:00:00.000Z' where leaf_index = ${leafIndex}`,
      `delete from ledger_tree_heads where tree_size > ${leafIndex}`,
    );

    // Without a witness, every check passes: the server signs a fresh head over the log as it now is.
    expect((await verify('--witness', path.join(dataDir, 'fresh-witness.json'))).status).toBe(0);

    const { status, stderr, report } = await verify();
    expect(status).toBe(65);
    expect(report.witness).toMatchObject({ file: witnessFile(), tree_size: kept.tree_size });
    expect(report.problems).toEqual([expect.objectContaining({ tree_size: kept.tree_size })]);
    expect(stderr).toContain(
      `ledger verification failed: the ledger no longer extends the head verified on ${kept.verified_at} (size ${kept.tree_size}): ` +
        'entries up to it were changed or removed, or its signed heads were',
    );
    // The kept head is this ledger's own (the server's keys verify it): no hint that the database was started anew.
    expect(stderr).not.toContain('started anew');
    // A failing run keeps the head it had.
    expect(keptWitness()).toEqual(kept);
  });
});

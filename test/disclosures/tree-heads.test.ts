import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import type { EventEntry } from '../../src/disclosures/ledger-entry.ts';
import { appendEntry } from '../../src/disclosures/ledger-queries.ts';
import { signTreeHead, signTreeHeadIfGrown, TreeHeadSigner } from '../../src/disclosures/tree-heads.ts';
import { ensureKeys } from '../../src/oidc/keys.ts';
import { KeySealer, sealKeysWith } from '../../src/oidc/key-sealing.ts';
import { openTestDatabase } from '../support/open-database.ts';

let database: Database;
let dispose: () => Promise<void>;
beforeAll(async () => {
  ({ database, dispose } = await openTestDatabase());
  sealKeysWith(database.db, new KeySealer(Buffer.alloc(32, 1)));
  await ensureKeys(database.db);
});
afterAll(() => dispose?.());

const event = (i: number): EventEntry => ({
  kind: 'event',
  at: new Date().toISOString(),
  pid: '1103000123455',
  agency: { id: 'signer-test', th: 'หน่วยงาน', en: 'Agency' },
  system: { clientId: 'signer-test', name: 'ระบบ' },
  purpose: 'ทดสอบ',
  items: ['pid'],
  event: 'approved',
  loginId: `login-${i}`,
  deviceId: 'device-1',
});

const append = async (count: number) => {
  for (let i = 0; i < count; i++) await appendEntry(database.db, event(i));
};
const headSizes = async () =>
  (await database.db.selectFrom('ledger_tree_heads').select('tree_size').orderBy('tree_size').execute()).map((row) => Number(row.tree_size));

async function until(condition: () => Promise<boolean>, what: string) {
  for (const started = Date.now(); !(await condition()); await sleep(20)) {
    if (Date.now() - started > 10_000) throw new Error(`waited 10 s for ${what}`);
  }
}

describe('the tree head signer', () => {
  it('signs nothing for an empty log, signs at start when the log grew, then while entries are added', async () => {
    const failures: unknown[] = [];
    const idle = new TreeHeadSigner(database.db, (error) => failures.push(error));
    idle.start(30);
    await sleep(150);
    await idle.stop();
    expect(await headSizes()).toEqual([]);

    await append(3);
    const signer = new TreeHeadSigner(database.db, (error) => failures.push(error));
    // An interval far longer than the test: only the signing at start can cover these three.
    signer.start(60_000);
    await until(async () => (await headSizes()).includes(3), 'a head of size 3 at start');
    await signer.stop();

    const ticking = new TreeHeadSigner(database.db, (error) => failures.push(error));
    ticking.start(30);
    await append(2);
    await until(async () => (await headSizes()).includes(5), 'a head of size 5');
    // No new entries, no new heads.
    const signed = await headSizes();
    await sleep(200);
    expect(await headSizes()).toEqual(signed);
    expect(signed.at(-1)).toBe(5);
    await ticking.stop();
    expect(failures).toEqual([]);
  });

  it('signs a size once, whoever asks at the same time', async () => {
    await append(1);
    const heads = await Promise.all([signTreeHead(database.db), signTreeHead(database.db), signTreeHead(database.db)]);
    expect(new Set(heads.map((h) => h.signature)).size).toBe(1);
    expect(heads[0]!.treeSize).toBe(6);
    expect((await headSizes()).filter((size) => size === 6)).toHaveLength(1);
    // Asked again with no new entries: the same head.
    expect((await signTreeHead(database.db)).signature).toBe(heads[0]!.signature);
  });

  it('keeps signing the log as it grows when a head of a size the log never had was put in the table', async () => {
    // Rows of the table are only ever inserted, by anyone who may write to it: a made-up head past the log's end.
    await sql`insert into ledger_tree_heads (tree_size, root_hash, signed_at, signature)
      values (1000000, sha256('made up'), now(), 'not a signature')`.execute(database.db);
    await append(2);
    await signTreeHeadIfGrown(database.db);
    expect(await headSizes()).toContain(8);
  });
});

import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DisclosureEntry } from '../../src/disclosures/ledger-entry.ts';
import { appendEntry } from '../../src/disclosures/ledger-queries.ts';
import { ledgerSubtrees, MissingLeafError } from '../../src/disclosures/ledger-subtrees.ts';
import * as merkle from '../../src/disclosures/merkle.ts';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';

/*
 * The ledger's Merkle tree against RFC 9162 as written. Everything merkle.ts and the server produce is checked here
 * with code of this file's own, from the RFC's text and node:crypto only: the Merkle tree hash and PATH and PROOF as
 * the RFC's recursions over a list, and the two verification algorithms of sections 2.1.3.2 and 2.1.4.2.
 */

// ---- RFC 9162, section 2.1, independently of src/ ----

const sha256 = (...parts: Uint8Array[]): Buffer => parts.reduce((h, part) => h.update(part), createHash('sha256')).digest();
const rfcLeaf = (entry: string) => sha256(Buffer.of(0), Buffer.from(entry, 'utf8'));
const rfcNode = (left: Uint8Array, right: Uint8Array) => sha256(Buffer.of(1), left, right);
/** k: the largest power of two smaller than n. */
const largestPowerBelow = (n: number) => 2 ** Math.ceil(Math.log2(n) - 1);

/** MTH(D[n]), section 2.1.1. */
function mth(d: string[]): Buffer {
  if (d.length === 0) return sha256();
  if (d.length === 1) return rfcLeaf(d[0]!);
  const k = largestPowerBelow(d.length);
  return rfcNode(mth(d.slice(0, k)), mth(d.slice(k)));
}

/** PATH(m, D[n]), section 2.1.3.1. */
function rfcPath(m: number, d: string[]): Buffer[] {
  if (d.length <= 1) return [];
  const k = largestPowerBelow(d.length);
  return m < k ? [...rfcPath(m, d.slice(0, k)), mth(d.slice(k))] : [...rfcPath(m - k, d.slice(k)), mth(d.slice(0, k))];
}

/** PROOF(m, D[n]) = SUBPROOF(m, D[n], true), section 2.1.4.1. */
function rfcProof(m: number, d: string[]): Buffer[] {
  const subproof = (m: number, d: string[], b: boolean): Buffer[] => {
    if (m === d.length) return b ? [] : [mth(d)];
    const k = largestPowerBelow(d.length);
    return m <= k ? [...subproof(m, d.slice(0, k), b), mth(d.slice(k))] : [...subproof(m - k, d.slice(k), false), mth(d.slice(0, k))];
  };
  return subproof(m, d, true);
}

const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
const hex = (hashes: Uint8Array[]) => hashes.map((h) => Buffer.from(h).toString('hex'));

/** Section 2.1.3.2, with BigInt bit operations. */
function rfcVerifyInclusion(leafIndex: number, treeSize: number, hash: Uint8Array, path: Uint8Array[], root: Uint8Array): boolean {
  if (leafIndex >= treeSize) return false;
  let fn = BigInt(leafIndex);
  let sn = BigInt(treeSize - 1);
  let r = hash;
  for (const p of path) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = rfcNode(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = rfcNode(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && same(r, root);
}

/** Section 2.1.4.2, with BigInt bit operations (0 < first < second; equal sizes need no proof). */
function rfcVerifyConsistency(first: number, second: number, firstHash: Uint8Array, secondHash: Uint8Array, proof: Uint8Array[]): boolean {
  if (first === second) return proof.length === 0 && same(firstHash, secondHash);
  if (proof.length === 0) return false;
  const path = (first & (first - 1)) === 0 ? [firstHash, ...proof] : [...proof];
  let fn = BigInt(first - 1);
  let sn = BigInt(second - 1);
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      fr = rfcNode(c, fr);
      sr = rfcNode(c, sr);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      sr = rfcNode(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return same(fr, firstHash) && same(sr, secondHash) && sn === 0n;
}

// ---- merkle.ts on its own, over leaves in memory ----

const texts = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `{"entry":${from + i},"th":"การเปิดเผยข้อมูล"}`);
const inMemory = (d: string[]): merkle.SubtreeHashes => ({ hash: async (start, end) => merkle.merkleTreeHash(d.slice(start, end).map(merkle.leafHash)) });

describe('merkle.ts, against RFC 9162 as written', () => {
  it('hashes the empty tree, leaves and nodes as the RFC does', () => {
    expect(Buffer.from(merkle.emptyTreeHash).toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(same(merkle.leafHash('ข้อมูล'), rfcLeaf('ข้อมูล'))).toBe(true);
    expect(same(merkle.nodeHash(rfcLeaf('a'), rfcLeaf('b')), rfcNode(rfcLeaf('a'), rfcLeaf('b')))).toBe(true);
  });

  it('computes the roots of trees of 0 to 70 leaves, read at once or leaf by leaf', async () => {
    const d = texts(70);
    const accumulator = new merkle.MerkleAccumulator();
    for (let n = 0; n <= 70; n++) {
      expect(same(await merkle.rootHash(n, inMemory(d)), mth(d.slice(0, n))), `root of ${n}`).toBe(true);
      expect(same(accumulator.root(), mth(d.slice(0, n))), `accumulated root of ${n}`).toBe(true);
      if (n < 70) accumulator.add(merkle.leafHash(d[n]!));
    }
  });

  it('makes the RFC’s inclusion proofs, which verify, for every leaf of trees of 1 to 70 leaves', async () => {
    const d = texts(70);
    for (let n = 1; n <= 70; n++) {
      const root = mth(d.slice(0, n));
      for (let m = 0; m < n; m++) {
        const path = await merkle.inclusionPath(m, n, inMemory(d));
        expect(hex(path), `PATH(${m}, D[${n}])`).toEqual(hex(rfcPath(m, d.slice(0, n))));
        expect(rfcVerifyInclusion(m, n, rfcLeaf(d[m]!), path, root), `leaf ${m} of ${n}`).toBe(true);
        expect(merkle.verifyInclusion({ leafIndex: m, treeSize: n, leafHash: rfcLeaf(d[m]!), inclusionPath: path, rootHash: root })).toBe(true);
      }
    }
  });

  it('makes the RFC’s consistency proofs, which verify, between every two sizes up to 70', async () => {
    const d = texts(70);
    for (let n = 1; n <= 70; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = await merkle.consistencyProof(m, n, inMemory(d));
        expect(hex(proof), `PROOF(${m}, D[${n}])`).toEqual(hex(rfcProof(m, d.slice(0, n))));
        const [first, second] = [mth(d.slice(0, m)), mth(d.slice(0, n))];
        expect(rfcVerifyConsistency(m, n, first, second, proof), `${m} to ${n}`).toBe(true);
        expect(merkle.verifyConsistency({ first: m, second: n, firstHash: first, secondHash: second, consistencyPath: proof })).toBe(true);
      }
    }
  });

  it('rejects proofs that do not fit the leaf, the sizes or the roots', async () => {
    const d = texts(37);
    const root = mth(d);
    const path = rfcPath(13, d);
    const verify = (changes: Partial<Parameters<typeof merkle.verifyInclusion>[0]>) =>
      merkle.verifyInclusion({ leafIndex: 13, treeSize: 37, leafHash: rfcLeaf(d[13]!), inclusionPath: path, rootHash: root, ...changes });
    expect(verify({})).toBe(true);
    expect(verify({ leafHash: rfcLeaf(d[14]!) })).toBe(false);
    expect(verify({ leafIndex: 12 })).toBe(false);
    // A path fits every size whose tree has the same shape around the leaf (the signed head vouches for the size),
    // but not a tree of another height.
    expect(verify({ treeSize: 32 })).toBe(false);
    expect(verify({ treeSize: 70 })).toBe(false);
    expect(verify({ leafIndex: 37 })).toBe(false);
    expect(verify({ inclusionPath: path.slice(1) })).toBe(false);
    expect(verify({ inclusionPath: [...path, root] })).toBe(false);
    const flipped = Buffer.from(path[2]!);
    flipped[0]! ^= 1;
    expect(verify({ inclusionPath: path.with(2, flipped) })).toBe(false);

    const proof = rfcProof(20, d);
    const consistent = (changes: Partial<Parameters<typeof merkle.verifyConsistency>[0]>) =>
      merkle.verifyConsistency({ first: 20, second: 37, firstHash: mth(d.slice(0, 20)), secondHash: root, consistencyPath: proof, ...changes });
    expect(consistent({})).toBe(true);
    expect(consistent({ firstHash: mth(texts(20, 1)) })).toBe(false);
    expect(consistent({ secondHash: mth(texts(37, 1)) })).toBe(false);
    expect(consistent({ first: 21 })).toBe(false);
    expect(consistent({ second: 70 })).toBe(false);
    expect(consistent({ consistencyPath: [] })).toBe(false);
    expect(consistent({ consistencyPath: proof.slice(0, -1) })).toBe(false);
  });
});

// ---- the server's tree, from its database, and its endpoints ----

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.dispose());

function disclosure(i: number): DisclosureEntry {
  return {
    kind: 'disclosure',
    at: new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString(),
    pid: '1103000123455',
    agency: { id: 'merkle-test', th: 'หน่วยงานทดสอบ', en: 'Test agency' },
    system: { clientId: 'merkle-test-client', name: 'ระบบทดสอบ' },
    purpose: 'ทดสอบ',
    items: ['openid', 'pid'],
    endpoint: 'token',
    api: 'v2',
    grantId: null,
    requestId: `request-${i}`,
  };
}

/** The ledger's entries as stored, for the RFC's own computations. */
async function storedTexts(): Promise<string[]> {
  const rows = await server.database.db.selectFrom('ledger_entries').select(['leaf_index', 'entry']).orderBy('leaf_index').execute();
  rows.forEach((row, i) => expect(Number(row.leaf_index)).toBe(i));
  return rows.map((row) => row.entry);
}

const fromBase64 = (text: string) => Buffer.from(text, 'base64');
const LEAVES = 300;

describe('the server’s tree over its database, past the 256-leaf memo', () => {
  let d: string[];
  beforeAll(async () => {
    for (let i = 0; i < LEAVES; i++) await appendEntry(server.database.db, disclosure(i));
    d = await storedTexts();
    expect(d).toHaveLength(LEAVES);
  });

  it('computes the RFC’s roots, inclusion and consistency proofs, the same with the memo as without', async () => {
    const { db } = server.database;
    const sizes = [1, 2, 3, 100, 255, 256, 257, 299, 300];
    const leaves = [0, 1, 128, 254, 255, 256, 257, 290, 299];
    // First run: the memo is written; second: read. Both must give what the RFC and a memo-less computation give.
    for (const run of ['computing the memo', 'reading the memo']) {
      for (const n of sizes) {
        const root = await merkle.rootHash(n, ledgerSubtrees(db));
        expect(same(root, mth(d.slice(0, n))), `${run}: root of ${n}`).toBe(true);
        expect(same(root, await merkle.rootHash(n, inMemory(d))), `${run}: fresh root of ${n}`).toBe(true);
        for (const m of leaves.filter((m) => m < n)) {
          const path = await merkle.inclusionPath(m, n, ledgerSubtrees(db));
          expect(rfcVerifyInclusion(m, n, rfcLeaf(d[m]!), path, mth(d.slice(0, n))), `${run}: leaf ${m} of ${n}`).toBe(true);
          expect(hex(path)).toEqual(hex(await merkle.inclusionPath(m, n, inMemory(d))));
        }
        for (const m of sizes.filter((m) => m <= n)) {
          const proof = await merkle.consistencyProof(m, n, ledgerSubtrees(db));
          expect(rfcVerifyConsistency(m, n, mth(d.slice(0, m)), mth(d.slice(0, n)), proof), `${run}: ${m} to ${n}`).toBe(true);
          expect(hex(proof)).toEqual(hex(await merkle.consistencyProof(m, n, inMemory(d))));
        }
      }
    }
    const memo = await db.selectFrom('ledger_subtrees').select(['level', 'first_leaf', 'hash']).execute();
    expect(memo.map((row) => [row.level, Number(row.first_leaf)])).toEqual([[8, 0]]);
    expect(same(memo[0]!.hash, mth(d.slice(0, 256)))).toBe(true);
  });

  it('signs a head whose root is the RFC’s, and serves it', async () => {
    const signed = await request(server.url).post('/admin/api/ledger/tree-heads').set('authorization', `Bearer ${testAdminToken}`).expect(200);
    expect(signed.body).toMatchObject({ tree_size: LEAVES, root_hash: mth(d).toString('base64') });
    const published = await request(server.url).get('/ledger/tree-head').expect(200);
    expect(published.body).toEqual(signed.body);
  });

  it('serves inclusion proofs that verify against the RFC’s roots', async () => {
    for (const [m, n] of [[0, 1], [0, 300], [5, 6], [128, 200], [255, 256], [255, 300], [256, 257], [256, 300], [299, 300], [150, 299]] as const) {
      const { body } = await request(server.url).get(`/ledger/proofs/inclusion?leaf_index=${m}&tree_size=${n}`).expect(200);
      expect(body).toMatchObject({ leaf_index: m, tree_size: n, leaf_hash: rfcLeaf(d[m]!).toString('base64') });
      expect(rfcVerifyInclusion(m, n, rfcLeaf(d[m]!), body.inclusion_path.map(fromBase64), mth(d.slice(0, n))), `leaf ${m} of ${n}`).toBe(true);
    }
  });

  it('serves consistency proofs that verify against the RFC’s roots', async () => {
    for (const [m, n] of [[1, 1], [1, 2], [3, 7], [7, 8], [8, 300], [100, 256], [255, 256], [256, 257], [256, 300], [257, 300], [299, 300]] as const) {
      const { body } = await request(server.url).get(`/ledger/proofs/consistency?first=${m}&second=${n}`).expect(200);
      expect(body).toMatchObject({ first: m, second: n });
      expect(rfcVerifyConsistency(m, n, mth(d.slice(0, m)), mth(d.slice(0, n)), body.consistency_path.map(fromBase64)), `${m} to ${n}`).toBe(true);
    }
  });

  it('answers proof requests it cannot serve with 400 and what to change', async () => {
    const refused = async (path: string, message: RegExp) => {
      const { body } = await request(server.url).get(path).expect(400);
      expect(body.error).toBe('invalid_request');
      expect(body.error_description).toMatch(message);
    };
    await refused(`/ledger/proofs/inclusion?leaf_index=300&tree_size=300`, /leaf_index must be smaller than tree_size: a tree of 300 entries has leaves 0 to 299/);
    await refused(`/ledger/proofs/inclusion?leaf_index=0&tree_size=301`, /tree_size 301 is larger than the ledger, which has 300 entries/);
    await refused(`/ledger/proofs/inclusion?leaf_index=abc&tree_size=3`, /leaf_index: must be a leaf index: a whole number, 0 or more/);
    await refused(`/ledger/proofs/inclusion?leaf_index=-1&tree_size=3`, /leaf_index: must be a leaf index: a whole number, 0 or more/);
    await refused(`/ledger/proofs/inclusion?leaf_index=1.5&tree_size=3`, /leaf_index: must be a leaf index: a whole number/);
    await refused(`/ledger/proofs/inclusion?leaf_index=1`, /tree_size: is required/);
    await refused(`/ledger/proofs/inclusion?leaf_index=1&leaf_index=2&tree_size=3`, /leaf_index: must be given once/);
    await refused(`/ledger/proofs/inclusion?leaf=1&tree_size=3`, /; unknown parameter leaf: the parameters here are leaf_index, tree_size$/);
    await refused(`/ledger/proofs/inclusion?leaf_index=1&tree_size=99999999999999999999`, /tree_size: must be a tree size/);
    await refused(`/ledger/proofs/consistency?first=5&second=3`, /first \(5\) must not be larger than second \(3\)/);
    await refused(`/ledger/proofs/consistency?first=0&second=3`, /first must be at least 1/);
    await refused(`/ledger/proofs/consistency?first=1&second=301`, /second 301 is larger than the ledger, which has 300 entries/);

    const admin = (path: string) => request(server.url).get(path).set('authorization', `Bearer ${testAdminToken}`);
    expect((await admin('/admin/api/ledger/entries?limit=0').expect(400)).body.error_description).toMatch(/limit: must be a whole number from 1 to 5000/);
    expect((await admin('/admin/api/ledger/entries?pid=123').expect(400)).body.error_description).toMatch(/pid: /);
    await request(server.url).get('/admin/api/ledger/entries').expect(401);
    await request(server.url).post('/admin/api/ledger/tree-heads').expect(401);
  });

  it('pages through the entries, in leaf order, with the stored leaf hashes', async () => {
    const admin = (path: string) => request(server.url).get(path).set('authorization', `Bearer ${testAdminToken}`).expect(200);
    const first = (await admin('/admin/api/ledger/entries?from=0&limit=256')).body;
    expect(first.tree_size).toBe(LEAVES);
    expect(first.entries.map((e: { leaf_index: number }) => e.leaf_index)).toEqual([...Array(256).keys()]);
    expect(first.next_from).toBe(256);
    const rest = (await admin(`/admin/api/ledger/entries?from=${first.next_from}&limit=256`)).body;
    expect(rest.entries).toHaveLength(LEAVES - 256);
    expect(rest.next_from).toBeNull();
    for (const e of [...first.entries, ...rest.entries]) {
      expect(e.entry).toBe(d[e.leaf_index]);
      expect(e.leaf_hash).toBe(rfcLeaf(d[e.leaf_index]!).toString('base64'));
    }
  });

  it('reads memoised subtrees instead of their leaves once they are computed', async () => {
    const { db } = server.database;
    // A leaf inside the memoised first 256 goes: roots and proofs that only need the subtree's hash still come out
    // as before, and only what needs the leaf itself cannot be computed.
    await sql`alter table ledger_entries disable trigger ledger_entries_append_only`.execute(db);
    await sql`delete from ledger_entries where leaf_index = 10`.execute(db);
    await sql`alter table ledger_entries enable trigger ledger_entries_append_only`.execute(db);

    expect(same(await merkle.rootHash(300, ledgerSubtrees(db)), mth(d))).toBe(true);
    const path = await merkle.inclusionPath(270, 300, ledgerSubtrees(db));
    expect(rfcVerifyInclusion(270, 300, rfcLeaf(d[270]!), path, mth(d))).toBe(true);
    await expect(merkle.rootHash(100, ledgerSubtrees(db))).rejects.toThrow(MissingLeafError);
    await expect(merkle.rootHash(100, ledgerSubtrees(db))).rejects.toThrow(/Leaf 10 of the disclosure ledger is missing/);
  });
});

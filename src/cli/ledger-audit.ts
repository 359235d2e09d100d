import type { JWK } from 'jose';
import { ledgerKeysPath, type ConsistencyProof, type EntryPage, type InclusionProof, type TreeHeadBody, type TreeHeadPage } from '../disclosures/ledger-schemas.ts';
import { leafHash, MerkleAccumulator, sameHash, verifyConsistency, verifyInclusion, type Hash } from '../disclosures/merkle.ts';
import { checkTreeHeadSignature } from '../disclosures/tree-head-signature.ts';
import type { AdminClient } from './admin-client.ts';
import { CliError } from './cli-error.ts';
import { indexColumnsMismatch } from './ledger-index-columns.ts';
import { checkAgainstWitness, type Witness, type WitnessUsed } from './ledger-witness.ts';

/*
 * `thaid-emulator ledger verify`: an auditor's checks of the disclosure ledger, trusting nothing the server
 * computed. Leaf hashes are recomputed from the entries' texts, roots from the leaf hashes, and proofs are
 * checked with RFC 9162's algorithms; the server's word counts only where its signature is on it.
 */

export interface LedgerProblem {
  leaf_index?: number;
  tree_size?: number;
  /** For a root that does not match: the leaves the change is among. */
  leaves?: { from: number; to: number };
  problem: string;
}

export interface LedgerReport {
  ok: boolean;
  checked: 'log' | 'citizen';
  pid?: string;
  /** The size of the newest signed head, which the checks reach up to. */
  tree_size: number;
  /** That head: the one a run that passes keeps as the witness for the next. */
  tree_head: TreeHeadBody | null;
  /** The head kept by an earlier run that the ledger was checked to extend; null when there was none. */
  witness: WitnessUsed | null;
  entries_checked: number;
  /** Heads whose root was recomputed (the whole log), or relied on by a proof (one citizen's entries). */
  tree_heads_checked: number;
  signatures_verified: number;
  /** The first is the one to look at first: entries before heads, in leaf order. */
  problems: LedgerProblem[];
}

const fromBase64 = (text: string): Hash => Buffer.from(text, 'base64');
const signedAt = (head: TreeHeadBody) => new Date(head.timestamp).toISOString();

function newReport(checked: LedgerReport['checked'], pid?: string): LedgerReport {
  return {
    ok: true,
    checked,
    ...(pid ? { pid } : {}),
    tree_size: 0,
    tree_head: null,
    witness: null,
    entries_checked: 0,
    tree_heads_checked: 0,
    signatures_verified: 0,
    problems: [],
  };
}

/** Has the server sign a head now, so that the newest entries are covered; a server that cannot is a problem. */
async function signHeadNow(client: AdminClient): Promise<LedgerProblem[]> {
  try {
    await client.request<TreeHeadBody>('POST', '/ledger/tree-heads');
    return [];
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    return [{ problem: `the server could not sign a tree head for the ledger as it is now: ${error.message}` }];
  }
}

async function allTreeHeads(client: AdminClient): Promise<TreeHeadBody[]> {
  const heads: TreeHeadBody[] = [];
  for (let from: number | null = 0; from !== null; ) {
    const page: TreeHeadPage = await client.request<TreeHeadPage>('GET', `/ledger/tree-heads?from=${from}&limit=1000`);
    heads.push(...page.tree_heads);
    from = page.next_from;
  }
  return heads;
}

async function* entries(client: AdminClient, pid?: string): AsyncGenerator<EntryPage['entries'][number]> {
  for (let from: number | null = 0; from !== null; ) {
    const query = new URLSearchParams({ from: String(from), limit: '5000', ...(pid ? { pid } : {}) });
    const page: EntryPage = await client.request<EntryPage>('GET', `/ledger/entries?${query}`);
    yield* page.entries;
    from = page.next_from;
  }
}

/**
 * Checks the heads' signatures with every key the server ever had (/ledger/keys), so a head signed before a key
 * rotation still checks; a head no such key verifies is a problem, whatever its kid. Returns the heads that verify:
 * only they are the server's word, so no other is compared with the entries, where a forged head would have a
 * run blame entries that were never changed, and hide one that was behind it.
 */
async function signedHeads(client: AdminClient, heads: TreeHeadBody[], report: LedgerReport): Promise<{ signed: TreeHeadBody[]; problems: LedgerProblem[] }> {
  if (heads.length === 0) return { signed: [], problems: [] };
  const keys = await client.requestPublic<{ keys: JWK[] }>(ledgerKeysPath);
  const signed: TreeHeadBody[] = [];
  const problems: LedgerProblem[] = [];
  for (const head of heads) {
    const check = await checkTreeHeadSignature(head, keys);
    const named = `tree head ${head.tree_size} (signed ${signedAt(head)})`;
    if (check.verdict === 'verified') {
      report.signatures_verified += 1;
      signed.push(head);
    } else if (check.verdict === 'unknown_key') {
      problems.push({ tree_size: head.tree_size, problem: `${named} is signed by a key the server never had (kid ${check.kid || 'none'})` });
    } else {
      problems.push({ tree_size: head.tree_size, problem: `${named} has a bad signature: ${check.reason}` });
    }
  }
  return { signed, problems };
}

const missingLeaves = (from: number, to: number): LedgerProblem => ({
  leaf_index: from,
  problem: from === to ? `leaf ${from} is missing: its row was deleted` : `leaves ${from} to ${to} are missing: their rows were deleted`,
});

const changedLeafHash = (leafIndex: number): LedgerProblem => ({
  leaf_index: leafIndex,
  problem: `leaf ${leafIndex}'s stored leaf hash is not the hash of its text: the entry or its hash was changed after it was written`,
});

/** An earlier run's head, for the log to be checked against, and the file it was kept in. */
export interface KeptWitness {
  file: string;
  head: Witness;
}

/** Checks the log still extends the kept head, noting it in the report; its problem, if any. */
async function witnessProblems(client: AdminClient, witness: KeptWitness | undefined, heads: TreeHeadBody[], report: LedgerReport): Promise<LedgerProblem[]> {
  if (!witness) return [];
  report.witness = { file: witness.file, tree_size: witness.head.tree_size, verified_at: witness.head.verified_at };
  const problem = await checkAgainstWitness(client, witness.head, witness.file, heads);
  return problem ? [{ tree_size: witness.head.tree_size, problem }] : [];
}

/** An entry whose index columns are not what its text says, as a problem; none when they are. */
function indexColumnsProblem(entry: EntryPage['entries'][number]): LedgerProblem[] {
  const problem = indexColumnsMismatch(entry.leaf_index, entry.entry, entry.index_columns);
  return problem ? [{ leaf_index: entry.leaf_index, problem }] : [];
}

/**
 * The whole log: every leaf up to the newest head is there, every leaf hash is its text's, its index columns are
 * what its text says, the root recomputed at every signed head's size is the signed one, every signature
 * verifies, and the log extends the head an earlier run kept (the witness).
 */
export async function auditLedger(client: AdminClient, witness?: KeptWitness): Promise<LedgerReport> {
  const report = newReport('log');
  const signing = await signHeadNow(client);
  const { signed: heads, problems: unsigned } = await signedHeads(client, await allTreeHeads(client), report);
  report.tree_head = heads.at(-1) ?? null;
  report.tree_size = report.tree_head?.tree_size ?? 0;

  const problems: LedgerProblem[] = [];
  // The log is read once, in order; the root at each head's size comes from a few hashes kept along the way.
  const tree = new MerkleAccumulator();
  let nextHead = 0;
  let lastMatching = 0;
  let rootFailed = false;
  // Past a missing leaf the roots cannot be recomputed: there is nothing to hash in its place.
  let firstMissing: number | undefined;
  const checkHeadOfCurrentSize = () => {
    const head = heads[nextHead];
    if (head?.tree_size !== tree.size) return;
    nextHead += 1;
    report.tree_heads_checked += 1;
    if (sameHash(tree.root(), fromBase64(head.root_hash))) {
      if (!rootFailed) lastMatching = head.tree_size;
      return;
    }
    // Every later head covers the same change: the first names it.
    if (rootFailed) return;
    rootFailed = true;
    const range = `leaves ${lastMatching} to ${head.tree_size - 1}`;
    const where = lastMatching === 0 ? `${range} (no earlier head matches)` : `${range}, which it covers beyond the last head that matches (size ${lastMatching}),`;
    problems.push({
      tree_size: head.tree_size,
      leaves: { from: lastMatching, to: head.tree_size - 1 },
      problem:
        `tree head ${head.tree_size} (signed ${signedAt(head)}) does not match the entries: the root recomputed from them is not ` +
        `the signed one, so one of ${where} was changed after the head was signed`,
    });
  };

  checkHeadOfCurrentSize();
  let expected = 0;
  for await (const entry of entries(client)) {
    report.entries_checked += 1;
    if (entry.leaf_index > expected) {
      problems.push(missingLeaves(expected, entry.leaf_index - 1));
      firstMissing ??= expected;
    }
    expected = entry.leaf_index + 1;
    const hash = leafHash(entry.entry);
    if (!sameHash(hash, fromBase64(entry.leaf_hash))) problems.push(changedLeafHash(entry.leaf_index));
    problems.push(...indexColumnsProblem(entry));
    if (firstMissing === undefined) {
      tree.add(hash);
      checkHeadOfCurrentSize();
    }
  }
  if (expected < report.tree_size) {
    problems.push(missingLeaves(expected, report.tree_size - 1));
    firstMissing ??= expected;
  }
  if (firstMissing !== undefined && nextHead < heads.length) {
    problems.push({
      tree_size: heads[nextHead]!.tree_size,
      problem: `no root from tree head ${heads[nextHead]!.tree_size} on (${heads.length - nextHead} heads) could be recomputed: leaf ${firstMissing} is missing`,
    });
  }

  const fromWitness = await witnessProblems(client, witness, heads, report);
  report.problems = [...problems, ...unsigned, ...fromWitness, ...signing];
  report.ok = report.problems.length === 0;
  return report;
}

/** The first head that covers a leaf: signed within about a minute of the leaf's writing. */
function firstHeadCovering(heads: TreeHeadBody[], leafIndex: number): TreeHeadBody | undefined {
  let [low, high] = [0, heads.length];
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (heads[middle]!.tree_size > leafIndex) high = middle;
    else low = middle + 1;
  }
  return heads[low];
}

async function proofOrProblem<T>(ask: () => Promise<T>, problem: (message: string) => LedgerProblem): Promise<T | LedgerProblem> {
  try {
    return await ask();
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    return problem(error.message);
  }
}

/**
 * One citizen's entries, as the index lists them (the pid column): each one's leaf hash is its text's, its index
 * columns are what its text says, and an inclusion proof from the server leads from
 * that hash to the root of the newest signed head. And the first head signed over each entry is consistent with
 * the newest, so the entry is now as it was then: otherwise a change made before the newest head was signed
 * would be covered by it.
 */
export async function auditCitizen(client: AdminClient, pid: string, witness?: KeptWitness): Promise<LedgerReport> {
  const report = newReport('citizen', pid);
  const signing = await signHeadNow(client);
  const { signed: heads, problems: unsigned } = await signedHeads(client, await allTreeHeads(client), report);
  const newest = heads.at(-1);
  report.tree_head = newest ?? null;
  report.tree_size = newest?.tree_size ?? 0;

  const problems: LedgerProblem[] = [];
  const firstCovering = new Map<number, { head: TreeHeadBody; leafIndex: number }>();
  for await (const entry of entries(client, pid)) {
    // Written after the newest head: the next one covers it.
    if (!newest || entry.leaf_index >= newest.tree_size) continue;
    report.entries_checked += 1;
    const { leaf_index: leafIndex } = entry;
    const hash = leafHash(entry.entry);
    if (!sameHash(hash, fromBase64(entry.leaf_hash))) problems.push(changedLeafHash(leafIndex));
    problems.push(...indexColumnsProblem(entry));

    const proof = await proofOrProblem(
      () => client.requestPublic<InclusionProof>(`/ledger/proofs/inclusion?leaf_index=${leafIndex}&tree_size=${newest.tree_size}`),
      (message) => ({ leaf_index: leafIndex, problem: `the server gave no inclusion proof for leaf ${leafIndex}: ${message}` }),
    );
    if ('problem' in proof) problems.push(proof);
    else if (
      !verifyInclusion({ leafIndex, treeSize: newest.tree_size, leafHash: hash, inclusionPath: proof.inclusion_path.map(fromBase64), rootHash: fromBase64(newest.root_hash) })
    ) {
      // Every leaf's path covers the rest of the tree, so a change to any entry fails every proof: which entry
      // changed, only the whole log's check can tell (a text changed without its stored hash is named above).
      problems.push({
        leaf_index: leafIndex,
        tree_size: newest.tree_size,
        problem:
          `leaf ${leafIndex}'s inclusion proof does not lead to the root of the newest signed head (size ${newest.tree_size}): an entry that head ` +
          'covers, this one or another, was changed or removed after it was signed; "ledger verify" without --pid names which',
      });
    }
    const covering = firstHeadCovering(heads, leafIndex)!;
    if (covering !== newest && !firstCovering.has(covering.tree_size)) firstCovering.set(covering.tree_size, { head: covering, leafIndex });
  }

  for (const { head, leafIndex } of firstCovering.values()) {
    const proof = await proofOrProblem(
      () => client.requestPublic<ConsistencyProof>(`/ledger/proofs/consistency?first=${head.tree_size}&second=${newest!.tree_size}`),
      (message) => ({ tree_size: head.tree_size, problem: `the server gave no consistency proof from tree head ${head.tree_size}: ${message}` }),
    );
    if ('problem' in proof) problems.push(proof);
    else if (
      !verifyConsistency({
        first: head.tree_size,
        second: newest!.tree_size,
        firstHash: fromBase64(head.root_hash),
        secondHash: fromBase64(newest!.root_hash),
        consistencyPath: proof.consistency_path.map(fromBase64),
      })
    ) {
      problems.push({
        leaf_index: leafIndex,
        tree_size: head.tree_size,
        problem:
          `tree head ${head.tree_size}, the first signed over leaf ${leafIndex}, is not consistent with the newest (size ${newest!.tree_size}): ` +
          `an entry among its first ${head.tree_size} leaves was changed or removed after it was signed`,
      });
    }
  }

  const fromWitness = await witnessProblems(client, witness, heads, report);
  // The newest head is relied on by the proofs, and by the witness the next run keeps.
  report.tree_heads_checked = firstCovering.size + (newest ? 1 : 0);
  report.problems = [...problems, ...unsigned, ...fromWitness, ...signing];
  report.ok = report.problems.length === 0;
  return report;
}

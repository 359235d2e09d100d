import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { leafHashesBetween } from './ledger-queries.ts';
import { isPowerOfTwo, merkleTreeHash, nodeHash, splitPoint, type Hash, type SubtreeHashes } from './merkle.ts';
import { memoisedSubtree, memoisedSubtreesWithin, memoiseSubtrees, type StoredSubtree } from './tree-queries.ts';

/*
 * The hashes of runs of the ledger's leaves, for merkle.ts, from the database. A run shorter than 256 leaves is
 * hashed from its leaf hashes, read in one query. Longer runs split as the tree does, into complete subtrees of
 * 2^level leaves starting at a multiple of their size, and these are memoised in ledger_subtrees: a leaf never
 * changes, so neither does the hash of a complete subtree. A root or proof over millions of entries then reads one
 * memo row per split and at most a few hundred leaves, once each subtree has been computed: by the signer, as the
 * log grows, a minute's entries at a time.
 */

/** The smallest memoised subtree: 2^8 = 256 leaves. Below it, reading the leaves costs about as much as one row. */
const MEMO_LEVEL = 8;
const MEMO_LEAVES = 2 ** MEMO_LEVEL;
/** New memo rows are written this many at a time, so a long first computation keeps what it did if it stops. */
const MEMO_BATCH = 500;

/** A proof or head needs a leaf whose row is gone: only someone who switched the ledger's triggers off removes one. */
export class MissingLeafError extends AppError {
  readonly leafIndex: number;

  constructor(leafIndex: number) {
    super(
      500,
      'ledger_damaged',
      `Leaf ${leafIndex} of the disclosure ledger is missing: its row was deleted, so no tree head or proof that covers ` +
        'it can be computed. Run "thaid-emulator ledger verify" to see what else was changed.',
    );
    this.leafIndex = leafIndex;
  }
}

async function leafHashes(db: Kysely<Schema>, start: number, end: number): Promise<Hash[]> {
  const rows = await leafHashesBetween(db, start, end);
  for (let i = start; i < end; i++) if (rows[i - start]?.leafIndex !== i) throw new MissingLeafError(i);
  return rows.map((row) => row.leafHash);
}

const memoKey = (level: number, firstLeaf: number) => `${level}:${firstLeaf}`;

/**
 * Subtree hashes read from, and memoised into, the database. `signal` stops a long computation between two
 * queries (the server closing while its signer hashes a large log for the first time).
 */
export function ledgerSubtrees(db: Kysely<Schema>, options: { signal?: AbortSignal } = {}): SubtreeHashes {
  const { signal } = options;

  /** A complete subtree from the memo; when it is not there, computed and memoised with every subtree inside it. */
  async function completeSubtree(level: number, firstLeaf: number): Promise<Hash> {
    signal?.throwIfAborted();
    const memoised = await memoisedSubtree(db, level, firstLeaf);
    if (memoised) return memoised;

    // One query for what is already known inside it, then 256 leaves at a time for the rest.
    const size = 2 ** level;
    const known = new Map((await memoisedSubtreesWithin(db, firstLeaf, firstLeaf + size)).map((s) => [memoKey(s.level, s.firstLeaf), s.hash]));
    const fresh: StoredSubtree[] = [];
    const flush = async () => {
      await memoiseSubtrees(db, fresh.splice(0));
    };
    const compute = async (level: number, firstLeaf: number): Promise<Hash> => {
      const hit = known.get(memoKey(level, firstLeaf));
      if (hit) return hit;
      signal?.throwIfAborted();
      const half = 2 ** (level - 1);
      const hash =
        level === MEMO_LEVEL
          ? merkleTreeHash(await leafHashes(db, firstLeaf, firstLeaf + MEMO_LEAVES))
          : nodeHash(await compute(level - 1, firstLeaf), await compute(level - 1, firstLeaf + half));
      fresh.push({ level, firstLeaf, hash });
      if (fresh.length >= MEMO_BATCH) await flush();
      return hash;
    };
    const hash = await compute(level, firstLeaf);
    await flush();
    return hash;
  }

  async function hash(start: number, end: number): Promise<Hash> {
    const n = end - start;
    if (n < MEMO_LEAVES) {
      signal?.throwIfAborted();
      return merkleTreeHash(await leafHashes(db, start, end));
    }
    // The tree's own splits only ever ask for aligned complete subtrees; anything else is split as the tree would.
    if (isPowerOfTwo(n) && start % n === 0) return completeSubtree(Math.log2(n), start);
    const k = splitPoint(n);
    return nodeHash(await hash(start, start + k), await hash(start + k, end));
  }

  return { hash };
}

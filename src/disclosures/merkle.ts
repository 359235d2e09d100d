import { createHash } from 'node:crypto';

/*
 * The Merkle tree of RFC 9162 section 2.1, over SHA-256: the ledger's tree heads, and the proofs that a leaf is
 * in a tree (inclusion) and that a tree extends an older one (consistency), with the checks an auditor runs on
 * them. Nothing here knows where leaves come from: generation asks a SubtreeHashes for the hash of a run of
 * leaves, which the server answers from its database (ledger-subtrees.ts) and a test from an array.
 *
 * Sizes and indexes are numbers, halved with Math.floor rather than shifted: bit operators would cut them to
 * 32 bits.
 */

export type Hash = Uint8Array;

function sha256(...parts: Uint8Array[]): Hash {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

const leafPrefix = Uint8Array.of(0x00);
const nodePrefix = Uint8Array.of(0x01);

/** MTH({}): the hash of the empty string. */
export const emptyTreeHash: Hash = sha256();

/** MTH({d}) = HASH(0x00 || d), d being the entry's text as UTF-8. */
export const leafHash = (entry: string): Hash => sha256(leafPrefix, Buffer.from(entry, 'utf8'));

/** HASH(0x01 || left || right). */
export const nodeHash = (left: Hash, right: Hash): Hash => sha256(nodePrefix, left, right);

/** The RFC's k: the largest power of two smaller than n (n > 1), where a tree of n leaves splits. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export function isPowerOfTwo(n: number): boolean {
  let power = 1;
  while (power < n) power *= 2;
  return power === n;
}

const half = (n: number) => Math.floor(n / 2);
const isOdd = (n: number) => n % 2 === 1;

export const sameHash = (a: Hash, b: Hash): boolean => Buffer.from(a).equals(b);

/** Where generation gets the hashes of runs of leaves. */
export interface SubtreeHashes {
  /** MTH(D[start:end]), for 0 <= start < end <= the size of the tree asked about. */
  hash(start: number, end: number): Promise<Hash>;
}

/**
 * The root of leaves read one at a time, in order, keeping only the roots of the complete subtrees read so far
 * (at most one per bit of the size): a log of any length is hashed in a few kilobytes of memory. Its root after
 * n leaves is MTH of those n, since MTH splits a tree of n leaves at the largest power of two below n, and these
 * subtrees are exactly the powers of two that add up to n, largest first.
 */
export class MerkleAccumulator {
  readonly #peaks: { size: number; hash: Hash }[] = [];
  #size = 0;

  get size(): number {
    return this.#size;
  }

  add(leaf: Hash): void {
    let node = { size: 1, hash: leaf };
    while (this.#peaks.at(-1)?.size === node.size) {
      const left = this.#peaks.pop()!;
      node = { size: node.size * 2, hash: nodeHash(left.hash, node.hash) };
    }
    this.#peaks.push(node);
    this.#size += 1;
  }

  root(): Hash {
    if (this.#peaks.length === 0) return emptyTreeHash;
    let root = this.#peaks.at(-1)!.hash;
    for (let i = this.#peaks.length - 2; i >= 0; i--) root = nodeHash(this.#peaks[i]!.hash, root);
    return root;
  }
}

/** MTH of leaf hashes held in memory. */
export function merkleTreeHash(leaves: Iterable<Hash>): Hash {
  const accumulator = new MerkleAccumulator();
  for (const leaf of leaves) accumulator.add(leaf);
  return accumulator.root();
}

/** The root hash of the tree of the first `size` leaves. */
export function rootHash(size: number, subtrees: SubtreeHashes): Promise<Hash> {
  return size === 0 ? Promise.resolve(emptyTreeHash) : subtrees.hash(0, size);
}

/**
 * PATH(m, D[n]), RFC 9162 section 2.1.3.1: the hashes that lead from leaf m to the root of the tree of n leaves,
 * the leaf's sibling first. Walks down from the root, taking at each split the half without the leaf.
 */
export async function inclusionPath(leafIndex: number, treeSize: number, subtrees: SubtreeHashes): Promise<Hash[]> {
  if (!(leafIndex >= 0 && leafIndex < treeSize)) throw new RangeError(`leaf ${leafIndex} is not in a tree of ${treeSize} leaves`);
  const siblings: Hash[] = [];
  let [start, end] = [0, treeSize];
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (leafIndex < start + k) {
      siblings.push(await subtrees.hash(start + k, end));
      end = start + k;
    } else {
      siblings.push(await subtrees.hash(start, start + k));
      start += k;
    }
  }
  return siblings.reverse();
}

/**
 * PROOF(m, D[n]) = SUBPROOF(m, D[n], true), RFC 9162 section 2.1.4.1: the hashes that show the tree of `second`
 * leaves extends the tree of its first `first`. Walks down as SUBPROOF recurses: `old` is how many leaves of the
 * old tree lie in [start, end), and `whole` is the RFC's b, true while [start, end) is a prefix of the tree, whose
 * own root the verifier already has.
 */
export async function consistencyProof(first: number, second: number, subtrees: SubtreeHashes): Promise<Hash[]> {
  if (!(first >= 1 && first <= second)) throw new RangeError(`no consistency proof from ${first} leaves to ${second}`);
  const proof: Hash[] = [];
  let [start, end, old, whole] = [0, second, first, true];
  while (old !== end - start) {
    const k = splitPoint(end - start);
    if (old <= k) {
      proof.push(await subtrees.hash(start + k, end));
      end = start + k;
    } else {
      proof.push(await subtrees.hash(start, start + k));
      start += k;
      old -= k;
      whole = false;
    }
  }
  if (!whole) proof.push(await subtrees.hash(start, end));
  return proof.reverse();
}

/** RFC 9162 section 2.1.3.2: does `inclusionPath` lead from the leaf hash to the root of the tree of `treeSize`? */
export function verifyInclusion(proof: { leafIndex: number; treeSize: number; leafHash: Hash; inclusionPath: Hash[]; rootHash: Hash }): boolean {
  if (proof.leafIndex >= proof.treeSize) return false;
  let [fn, sn, r] = [proof.leafIndex, proof.treeSize - 1, proof.leafHash];
  for (const p of proof.inclusionPath) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!isOdd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      r = nodeHash(r, p);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  return sn === 0 && sameHash(r, proof.rootHash);
}

/**
 * RFC 9162 section 2.1.4.2: does `consistencyPath` show that the tree of `second` leaves, with root `secondHash`,
 * extends the tree of its first `first`, with root `firstHash`? A tree is consistent with itself (an empty
 * proof, the same root), and every tree with the empty one.
 */
export function verifyConsistency(proof: { first: number; second: number; firstHash: Hash; secondHash: Hash; consistencyPath: Hash[] }): boolean {
  const { first, second, firstHash, secondHash } = proof;
  if (first > second) return false;
  if (first === second) return proof.consistencyPath.length === 0 && sameHash(firstHash, secondHash);
  if (first === 0) return proof.consistencyPath.length === 0 && sameHash(firstHash, emptyTreeHash);
  if (proof.consistencyPath.length === 0) return false;

  const path = isPowerOfTwo(first) ? [firstHash, ...proof.consistencyPath] : proof.consistencyPath;
  let [fn, sn] = [first - 1, second - 1];
  while (isOdd(fn)) [fn, sn] = [half(fn), half(sn)];
  let [fr, sr] = [path[0]!, path[0]!];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      sr = nodeHash(sr, c);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  return sameHash(fr, firstHash) && sameHash(sr, secondHash) && sn === 0;
}

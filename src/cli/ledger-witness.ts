import fs from 'node:fs';
import path from 'node:path';
import type { JWK } from 'jose';
import { ledgerKeysPath, type ConsistencyProof, type TreeHeadBody } from '../disclosures/ledger-schemas.ts';
import { verifyConsistency } from '../disclosures/merkle.ts';
import { checkTreeHeadSignature } from '../disclosures/tree-head-signature.ts';
import type { AdminClient } from './admin-client.ts';
import { CliError } from './cli-error.ts';

/*
 * The auditor's memory between runs: the newest head a run verified, kept in a file the server should not be
 * able to write. Each run signs a fresh head over the log as it is, so without it someone who rewrote entries and
 * removed the signed heads that covered them would pass; with it, the log must still extend the kept head.
 */

/**
 * The file the witness is kept in when --witness does not name one: the data directory, which suits a sandbox; an
 * auditor of a real deployment names a file of their own, out of the server's reach.
 */
export const defaultWitnessFile = (dataDir: string) => path.join(dataDir, 'ledger-witness.json');

export interface Witness extends TreeHeadBody {
  /** When the run that kept it verified the ledger, ISO 8601. */
  verified_at: string;
  /** The server whose ledger it is (ISSUER); absent in a witness kept before it was recorded. */
  issuer?: string;
}

/** What the report says of the witness a run checked against. */
export interface WitnessUsed {
  file: string;
  tree_size: number;
  verified_at: string;
}

const isWitness = (value: unknown): value is Witness => {
  const w = value as Partial<Witness> | null;
  return (
    typeof w === 'object' &&
    w !== null &&
    Number.isSafeInteger(w.tree_size) &&
    typeof w.root_hash === 'string' &&
    typeof w.timestamp === 'number' &&
    typeof w.signature === 'string' &&
    typeof w.verified_at === 'string' &&
    (w.issuer === undefined || typeof w.issuer === 'string')
  );
};

/**
 * The head kept for the server at `issuer`, or undefined before the first run; a file that is not one, or one kept
 * for another server, is an error, not a fresh start.
 */
export function readWitness(file: string, issuer: string): Witness | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(`The ledger witness ${file} cannot be read: ${(error as Error).message}`);
  }
  let witness: unknown;
  try {
    witness = JSON.parse(text);
  } catch {
    witness = undefined;
  }
  if (!isWitness(witness)) throw new CliError(`The ledger witness ${file} is not a tree head kept by ledger verify; restore it, or remove it to start afresh.`);
  if (witness.issuer !== undefined && witness.issuer !== issuer) {
    throw new CliError(`The ledger witness ${file} was kept for the server at ${witness.issuer}, not ${issuer}: give each server a file of its own with --witness FILE.`);
  }
  return witness;
}

/** Keeps the head, replacing the file whole: a run stopped half-way never leaves half a witness. */
export function keepWitness(file: string, head: TreeHeadBody, verifiedAt: Date, issuer: string): void {
  const witness: Witness = {
    tree_size: head.tree_size,
    root_hash: head.root_hash,
    timestamp: head.timestamp,
    signature: head.signature,
    verified_at: verifiedAt.toISOString(),
    issuer,
  };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  fs.writeFileSync(partial, `${JSON.stringify(witness, null, 2)}\n`);
  fs.renameSync(partial, file);
}

/**
 * The problem, if any, with the ledger as the server now shows it against the kept head: its heads must reach at
 * least as far, a head of the same size must have the same root, and the newest must extend it (a consistency
 * proof from the kept size and root). `file` is where the witness is kept, for the hint a problem may carry.
 */
export async function checkAgainstWitness(client: AdminClient, witness: Witness, file: string, heads: TreeHeadBody[]): Promise<string | undefined> {
  const problem = await extensionProblem(client, witness, heads);
  if (!problem) return undefined;
  // Signing keys are never deleted: a kept head no key of the server verifies was signed by another database's,
  // one started anew since (or whose keys were replaced). One the server's keys verify is this ledger's own.
  const keys = await client.requestPublic<{ keys: JWK[] }>(ledgerKeysPath);
  const anew =
    (await checkTreeHeadSignature(witness, keys)).verdict === 'unknown_key'
      ? `; the kept head was signed by a key this server never had, so its database was started anew (or its keys were replaced): if it was started anew, remove ${file} to start afresh`
      : '';
  return `${problem}${anew}`;
}

async function extensionProblem(client: AdminClient, witness: Witness, heads: TreeHeadBody[]): Promise<string | undefined> {
  const fails = (why: string) =>
    `the ledger no longer extends the head verified on ${witness.verified_at} (size ${witness.tree_size}): entries up to it were changed or ` +
    `removed, or its signed heads were (${why})`;
  const newest = heads.at(-1);
  if (!newest || newest.tree_size < witness.tree_size) return fails(`the newest signed head has ${newest?.tree_size ?? 0} entries`);
  const sameSize = heads.find((head) => head.tree_size === witness.tree_size);
  if (sameSize && sameSize.root_hash !== witness.root_hash) return fails(`the signed head of size ${witness.tree_size} has another root`);
  if (witness.tree_size === 0) return undefined;

  let proof: ConsistencyProof;
  try {
    proof = await client.requestPublic<ConsistencyProof>(`/ledger/proofs/consistency?first=${witness.tree_size}&second=${newest.tree_size}`);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    return fails(`the server gave no consistency proof from it: ${error.message}`);
  }
  const consistent = verifyConsistency({
    first: witness.tree_size,
    second: newest.tree_size,
    firstHash: Buffer.from(witness.root_hash, 'base64'),
    secondHash: Buffer.from(newest.root_hash, 'base64'),
    consistencyPath: proof.consistency_path.map((hash) => Buffer.from(hash, 'base64')),
  });
  return consistent ? undefined : fails(`the consistency proof to the newest head, of size ${newest.tree_size}, does not verify`);
}

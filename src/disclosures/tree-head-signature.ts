import { CompactSign, compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose';

/*
 * What a signed tree head says, and how its signature is made and checked: the server signs with its current
 * OpenID Connect signing key, and publishes the public half of every key it ever had at /ledger/keys, so a head
 * still checks after its key has left the JWKS. The signature is a compact JWS whose payload is the statement as
 * JSON.
 */

/** The JWS's `typ`: a tree head's signature is never mistaken for a token's, nor a token's for it. */
export const treeHeadType = 'thaid-tree-head+jws';

/** What the server signs: the log's size, the root hash of that many leaves (base64), and when (ms since the epoch). */
export interface TreeHeadStatement {
  tree_size: number;
  root_hash: string;
  timestamp: number;
}

/** A statement with the JWS over it, as the ledger's endpoints send it. */
export interface SignedTreeHead extends TreeHeadStatement {
  signature: string;
}

export const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

export const treeHeadStatement = (head: { treeSize: number; rootHash: Uint8Array; signedAt: Date }): TreeHeadStatement => ({
  tree_size: head.treeSize,
  root_hash: base64(head.rootHash),
  timestamp: head.signedAt.getTime(),
});

/** Signs with a private JWK that names its kid and alg, as the provider's signing keys do. */
export async function signTreeHeadStatement(statement: TreeHeadStatement, key: JWK): Promise<string> {
  if (!key.kid || !key.alg) throw new Error('a signing key without kid or alg cannot sign tree heads');
  const payload = new TextEncoder().encode(JSON.stringify(statement));
  return new CompactSign(payload).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: treeHeadType }).sign(await importJWK(key, key.alg));
}

export type SignatureCheck =
  | { verdict: 'verified'; kid: string }
  /** Signed with a key that is not among the server's keys: no key it ever had made it, so it is a forgery. */
  | { verdict: 'unknown_key'; kid: string }
  | { verdict: 'invalid'; reason: string };

const signatureAlgorithms = ['RS256', 'ES256'];

/** Checks a head's signature with the server's public keys (all it ever had), and that it was made over this very head. */
export async function checkTreeHeadSignature(head: SignedTreeHead, jwks: { keys: JWK[] }): Promise<SignatureCheck> {
  let header;
  try {
    header = decodeProtectedHeader(head.signature);
  } catch {
    return { verdict: 'invalid', reason: 'the signature is not a compact JWS' };
  }
  if (header.typ !== treeHeadType) return { verdict: 'invalid', reason: `the signature's typ is ${String(header.typ)}, not ${treeHeadType}` };
  const kid = String(header.kid ?? '');
  const key = jwks.keys.find((k) => k.kid === kid);
  if (!key) return { verdict: 'unknown_key', kid };

  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(head.signature, await importJWK(key, String(header.alg)), { algorithms: signatureAlgorithms }));
  } catch (error) {
    return { verdict: 'invalid', reason: `the signature does not verify with key ${kid} (${(error as Error).message})` };
  }
  let signed: Partial<TreeHeadStatement>;
  try {
    signed = JSON.parse(new TextDecoder().decode(payload)) as Partial<TreeHeadStatement>;
  } catch {
    return { verdict: 'invalid', reason: 'the signed payload is not JSON' };
  }
  const differing = (['tree_size', 'root_hash', 'timestamp'] as const).filter((field) => signed[field] !== head[field]);
  if (differing.length) return { verdict: 'invalid', reason: `the signature was made over a different ${differing.join(' and ')}` };
  return { verdict: 'verified', kid };
}

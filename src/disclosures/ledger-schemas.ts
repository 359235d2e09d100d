import { z } from 'zod';
import { pidParam } from '../registry/citizen-schema.ts';
import { pageSize, strictQuery } from '../http/query-schemas.ts';
import { treeHeadType } from './tree-head-signature.ts';

/*
 * The shapes of the ledger's endpoints: the queries they parse, and the bodies they answer with (the admin ones
 * are described by docs/admin-api.openapi.yaml, and the CLI reads its answers with these types). Hashes are
 * standard base64 of 32 bytes; sizes and indexes count leaves from 0.
 */

// Query parameters arrive as text: a count of leaves is digits only (no sign, no point, no exponent), and at most
// 15 of them keeps it an exact number.
const leafCount = (what: string) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be given once') })
    .regex(/^\d{1,15}$/, `must be ${what}: a whole number, 0 or more, of at most 15 digits`);

/** Where the public keys of every signing key the server ever had are published, for checking tree heads. */
export const ledgerKeysPath = '/ledger/keys';

const hash = z.string().meta({ description: 'a SHA-256 hash, base64', example: 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=' });

export const inclusionProofQuery = strictQuery({
  leaf_index: leafCount('a leaf index').transform(Number).meta({ description: 'the leaf whose inclusion is proved' }),
  tree_size: leafCount('a tree size').transform(Number).meta({ description: "the tree it is proved in: a signed head's tree_size" }),
});

export const consistencyProofQuery = strictQuery({
  first: leafCount('a tree size').transform(Number).meta({ description: 'the older tree size' }),
  second: leafCount('a tree size').transform(Number).meta({ description: 'the newer tree size, at least first' }),
});

export const entryPageQuery = strictQuery({
  from: leafCount('a leaf index').default('0').transform(Number).meta({ description: 'the first leaf index of the page' }),
  limit: pageSize(5000, 100).meta({ description: 'entries on the page' }),
  pid: pidParam.optional().meta({ description: "only this citizen's entries" }),
});

export const treeHeadPageQuery = strictQuery({
  from: leafCount('a tree size').default('0').transform(Number).meta({ description: 'the smallest tree size on the page' }),
  limit: pageSize(1000, 100).meta({ description: 'tree heads on the page' }),
});

export const treeHead = z
  .object({
    tree_size: z.number().int().meta({ description: 'the number of leaves the head covers' }),
    root_hash: hash.meta({ description: 'the Merkle tree hash (RFC 9162) of leaves 0 to tree_size - 1, base64' }),
    timestamp: z.number().int().meta({ description: 'when it was signed, in milliseconds since the epoch' }),
    signature: z.string().meta({
      description:
        `a compact JWS with typ ${treeHeadType}, signed with the key its kid names in ${ledgerKeysPath} (every key the server ever had), ` +
        'whose payload is the JSON object {tree_size, root_hash, timestamp}',
    }),
  })
  .meta({ id: 'TreeHead', description: 'A signed tree head' });

export const treeHeadPage = z.object({
  tree_heads: z.array(treeHead).meta({ description: 'smallest tree first' }),
  next_from: z.number().int().nullable().meta({ description: 'from of the next page; null on the last' }),
});

const indexColumns = z
  .object({
    pid: z.string().meta({ description: "the citizen whose history lists the entry (the entry's pid)" }),
    kind: z.string().meta({ description: "disclosure or event (the entry's kind)" }),
    agency_id: z.string().meta({ description: "the agency whose counts include it (the entry's agency.id)" }),
    client_id: z.string().meta({ description: "the entry's system.clientId" }),
    items: z.array(z.string()).meta({ description: "the entry's items" }),
    created_at: z.string().meta({ description: "the entry's at, as an instant: ISO 8601 in UTC, to the microsecond" }),
  })
  .meta({ description: 'the columns the database read from the entry when it was written, which histories and counts are found by; as stored' });

const ledgerEntry = z.object({
  leaf_index: z.number().int(),
  entry: z.string().meta({ description: 'the entry as stored: the leaf is its UTF-8 bytes' }),
  leaf_hash: hash.meta({ description: 'SHA-256(0x00 || entry) as stored, base64' }),
  index_columns: indexColumns,
});

export const entryPage = z.object({
  tree_size: z.number().int().meta({ description: 'the number of entries in the log now' }),
  entries: z.array(ledgerEntry).meta({ description: 'in leaf order; a deleted row is simply absent' }),
  next_from: z.number().int().nullable().meta({ description: 'from of the next page; null on the last' }),
});

const inclusionProof = z.object({
  leaf_index: z.number().int(),
  tree_size: z.number().int(),
  leaf_hash: hash,
  inclusion_path: z.array(hash).meta({ description: 'PATH(leaf_index, D[tree_size]) of RFC 9162, the leaf’s sibling first' }),
});

const consistencyProofBody = z.object({
  first: z.number().int(),
  second: z.number().int(),
  consistency_path: z.array(hash).meta({ description: 'PROOF(first, D[second]) of RFC 9162' }),
});

export type TreeHeadBody = z.infer<typeof treeHead>;
export type TreeHeadPage = z.infer<typeof treeHeadPage>;
export type EntryPage = z.infer<typeof entryPage>;
export type IndexColumnsBody = z.infer<typeof indexColumns>;
export type InclusionProof = z.infer<typeof inclusionProof>;
export type ConsistencyProof = z.infer<typeof consistencyProofBody>;

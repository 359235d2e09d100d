import Router from '@koa/router';
import type { Kysely } from 'kysely';
import { adminApi } from '../admin/admin-api.ts';
import { requireAdminToken } from '../admin/require-admin-token.ts';
import type { Schema } from '../db/schema.ts';
import { InvalidRequestError, NotFoundError } from '../errors.ts';
import { declareRoute } from '../http/api-routes.ts';
import { leafHashesBetween, ledgerSize } from './ledger-queries.ts';
import { consistencyProofQuery, entryPage, entryPageQuery, inclusionProofQuery, treeHead, treeHeadPage, treeHeadPageQuery } from './ledger-schemas.ts';
import type { ConsistencyProof, EntryPage, InclusionProof, TreeHeadBody } from './ledger-schemas.ts';
import { MissingLeafError, ledgerSubtrees } from './ledger-subtrees.ts';
import { consistencyProof, inclusionPath } from './merkle.ts';
import { base64, treeHeadStatement } from './tree-head-signature.ts';
import { signTreeHead } from './tree-heads.ts';
import { recordAuditEvent, requestIdOf } from '../audit/record.ts';
import { allPublicSigningKeys } from '../oidc/keys.ts';
import { entriesFrom, newestTreeHead, treeHeadsFrom, type StoredTreeHead } from './tree-queries.ts';

/*
 * The ledger's public tree head and proofs, for anyone who holds a head or an entry (an auditor, a citizen's
 * app), and the admin API's reads of the whole log for `thaid-emulator ledger verify`. The public routes are
 * left out of the OpenAPI documents, which describe authenticated APIs; the README describes them.
 */

const treeHeadBody = (head: StoredTreeHead): TreeHeadBody => ({ ...treeHeadStatement(head), signature: head.signature });

const listEntries = declareRoute(adminApi, {
  method: 'get',
  path: '/ledger/entries',
  summary: "The disclosure ledger's entries in leaf order, a page at a time, or one citizen's",
  description:
    'Each entry with the leaf hash stored for it, for an auditor to recompute leaf hashes and roots, and the columns the ' +
    'database read from its text, for an auditor to compare with it. With pid, the entries whose pid column names the citizen.',
  request: { query: entryPageQuery },
  responses: {
    200: { description: 'A page of entries', body: entryPage },
    400: 'invalid_request: from is not a leaf index, limit is not 1 to 5000, or pid is not a citizen ID',
  },
});

const listTreeHeads = declareRoute(adminApi, {
  method: 'get',
  path: '/ledger/tree-heads',
  summary: 'Every signed tree head of the disclosure ledger, smallest tree first, a page at a time',
  request: { query: treeHeadPageQuery },
  responses: {
    200: { description: 'A page of signed tree heads', body: treeHeadPage },
    400: 'invalid_request: from is not a tree size, or limit is not 1 to 1000',
  },
});

const signNow = declareRoute(adminApi, {
  method: 'post',
  path: '/ledger/tree-heads',
  summary: 'Sign a tree head for the ledger as it is now',
  description: 'Returns the head of the current size: the one already signed when the ledger has not grown since.',
  responses: {
    200: { description: 'The signed head of the current size', body: treeHead },
    500: 'ledger_damaged: an entry the head would cover is missing from the database',
  },
});

/** The admin API's ledger routes, as the admin OpenAPI document declares them. */
export function ledgerAdminRoutes(deps: { db: Kysely<Schema>; adminToken: string }): Router {
  const { db } = deps;
  const router = new Router({ prefix: adminApi.info.prefix });
  router.use(requireAdminToken(deps.adminToken));

  router.get(listEntries.path, async (ctx) => {
    const { from, limit, pid } = listEntries.request.query.parse(ctx.query);
    const entries = await entriesFrom(db, { from, limit, pid });
    const body: EntryPage = {
      tree_size: await ledgerSize(db),
      entries: entries.map((e) => ({ leaf_index: e.leafIndex, entry: e.entry, leaf_hash: base64(e.leafHash), index_columns: e.columns })),
      next_from: entries.length === limit ? entries.at(-1)!.leafIndex + 1 : null,
    };
    ctx.body = body;
  });

  router.get(listTreeHeads.path, async (ctx) => {
    const { from, limit } = listTreeHeads.request.query.parse(ctx.query);
    const heads = await treeHeadsFrom(db, from, limit);
    ctx.body = { tree_heads: heads.map(treeHeadBody), next_from: heads.length === limit ? heads.at(-1)!.treeSize + 1 : null };
  });

  router.post(signNow.path, async (ctx) => {
    const head = treeHeadBody(await signTreeHead(db));
    // Recorded just after the head is stored (or found already signed for this size).
    await recordAuditEvent(db, {
      actor: { kind: 'admin_token' },
      action: 'ledger.tree_head.sign',
      target: { kind: 'ledger_tree_head', id: String(head.tree_size) },
      after: { tree_size: head.tree_size, root_hash: head.root_hash, timestamp: head.timestamp },
      requestId: requestIdOf(ctx),
    });
    ctx.body = head;
  });

  return router;
}

/** Sizes past the end of the log have no tree yet: the message says how far it goes. */
async function requireTreeOfSize(db: Kysely<Schema>, field: string, treeSize: number): Promise<void> {
  const size = await ledgerSize(db);
  if (treeSize > size) throw new InvalidRequestError(`${field} ${treeSize} is larger than the ledger, which has ${size} entries.`);
}

/** The public tree head and proofs. */
function ledgerPublicRoutes(deps: { db: Kysely<Schema> }): Router {
  const { db } = deps;
  const router = new Router({ prefix: '/ledger' });

  router.get('/tree-head', async (ctx) => {
    const head = await newestTreeHead(db);
    if (!head) throw new NotFoundError('No tree head has been signed yet: the ledger is empty, or its first entries are less than a minute old.');
    ctx.body = treeHeadBody(head);
  });

  // Every key that ever signed, not only those the JWKS still publishes: a head outlives its key's rotation.
  router.get('/keys', async (ctx) => {
    ctx.body = { keys: await allPublicSigningKeys(db) };
  });

  router.get('/proofs/inclusion', async (ctx) => {
    const { leaf_index: leafIndex, tree_size: treeSize } = inclusionProofQuery.parse(ctx.query);
    if (leafIndex >= treeSize) {
      const leaves = treeSize === 0 ? 'the empty tree has none' : `a tree of ${treeSize} entries has leaves 0 to ${treeSize - 1}`;
      throw new InvalidRequestError(`leaf_index must be smaller than tree_size: ${leaves}.`);
    }
    await requireTreeOfSize(db, 'tree_size', treeSize);
    const [leaf] = await leafHashesBetween(db, leafIndex, leafIndex + 1);
    if (!leaf) throw new MissingLeafError(leafIndex);
    const path = await inclusionPath(leafIndex, treeSize, ledgerSubtrees(db));
    const body: InclusionProof = { leaf_index: leafIndex, tree_size: treeSize, leaf_hash: base64(leaf.leafHash), inclusion_path: path.map(base64) };
    ctx.body = body;
  });

  router.get('/proofs/consistency', async (ctx) => {
    const { first, second } = consistencyProofQuery.parse(ctx.query);
    if (first === 0) throw new InvalidRequestError('first must be at least 1: every tree extends the empty one, so there is nothing to prove.');
    if (first > second) throw new InvalidRequestError(`first (${first}) must not be larger than second (${second}): the proof shows the larger tree extends the smaller.`);
    await requireTreeOfSize(db, 'second', second);
    const path = await consistencyProof(first, second, ledgerSubtrees(db));
    const body: ConsistencyProof = { first, second, consistency_path: path.map(base64) };
    ctx.body = body;
  });

  return router;
}

/** The ledger's public tree head and proofs, and its admin reads (two routers, so the OpenAPI document can list the admin one alone). */
export function ledgerRoutes(deps: { db: Kysely<Schema>; adminToken: string }): Router {
  const router = new Router();
  router.use(ledgerPublicRoutes(deps).routes());
  router.use(ledgerAdminRoutes(deps).routes());
  return router;
}

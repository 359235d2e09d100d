import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { loadSigningKeys } from '../oidc/keys.ts';
import { ledgerSize } from './ledger-queries.ts';
import { ledgerSubtrees } from './ledger-subtrees.ts';
import { rootHash } from './merkle.ts';
import { signTreeHeadStatement, treeHeadStatement } from './tree-head-signature.ts';
import { insertTreeHead, treeHeadOfSize, type StoredTreeHead } from './tree-queries.ts';

/*
 * Signed tree heads: the server's signed word that the log had this many entries with this root at this time.
 * Once a head is out, changing or removing any entry it covers changes the root an auditor recomputes.
 */

/** How often the signer looks for new entries to cover: a change can go unsigned for at most this long. */
const TREE_HEAD_INTERVAL_MS = 60_000;

/**
 * Signs a head for the log as it is now, and returns it. When the log has not grown since a head of its size
 * was signed, returns that one: a size is signed once, whichever process gets there first.
 */
export async function signTreeHead(db: Kysely<Schema>, options: { signal?: AbortSignal } = {}): Promise<StoredTreeHead> {
  const treeSize = await ledgerSize(db);
  const existing = await treeHeadOfSize(db, treeSize);
  if (existing) return existing;

  const root = await rootHash(treeSize, ledgerSubtrees(db, options));
  // The current key: loadSigningKeys lists the keys that sign now before those only kept to verify.
  const [key] = await loadSigningKeys(db);
  if (!key) throw new Error('there is no signing key to sign the tree head with');
  const head = { treeSize, rootHash: root, signedAt: new Date() };
  await insertTreeHead(db, { ...head, signature: await signTreeHeadStatement(treeHeadStatement(head), key) });
  return (await treeHeadOfSize(db, treeSize))!;
}

/**
 * Signs a head when the log has grown since its size was signed; an empty log has nothing to sign. Looks for a head
 * of the log's own size, not at the largest stored: a row of a size the log never had (which only someone writing
 * to the table could insert, and ledger verify names) must not stop the signing.
 */
export async function signTreeHeadIfGrown(db: Kysely<Schema>, options: { signal?: AbortSignal } = {}): Promise<void> {
  const size = await ledgerSize(db);
  if (size > 0 && !(await treeHeadOfSize(db, size))) await signTreeHead(db, options);
}

/**
 * The server's signer: once at start, when entries were added since the newest head (by an earlier run, or
 * another process), then every minute while entries are being added. One signing at a time; stop() ends a
 * running one between two queries, so closing never waits for a first pass over a large log.
 */
export class TreeHeadSigner {
  readonly #db: Kysely<Schema>;
  readonly #onError: (error: unknown) => void;
  readonly #stopped = new AbortController();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(db: Kysely<Schema>, onError: (error: unknown) => void) {
    this.#db = db;
    this.#onError = onError;
  }

  start(intervalMs = TREE_HEAD_INTERVAL_MS): void {
    this.#tick();
    this.#timer = setInterval(() => this.#tick(), intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#stopped.abort();
    await this.#running;
  }

  #tick(): void {
    if (this.#running || this.#stopped.signal.aborted) return;
    const { signal } = this.#stopped;
    this.#running = signTreeHeadIfGrown(this.#db, { signal })
      .catch((error: unknown) => {
        if (!signal.aborted) this.#onError(error);
      })
      .finally(() => {
        this.#running = undefined;
      });
  }
}

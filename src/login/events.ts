import type { Database } from '../db/database.ts';

/**
 * A trigger on login_transactions (migration 0002) sends the id of every transaction that changes on this
 * channel, so a browser waiting on one server process learns at once that a device approved on another.
 */
const CHANNEL = 'thaid_login_transactions';

export type LoginChangeListener = (transactionId: string) => void;

/** Fans the one database subscription out to the browsers waiting in this process. */
export class LoginChanges {
  readonly #listeners = new Set<LoginChangeListener>();

  static async start(database: Database): Promise<LoginChanges> {
    const changes = new LoginChanges();
    await database.listen(CHANNEL, (id) => {
      for (const listener of changes.#listeners) listener(id);
    });
    return changes;
  }

  subscribe(listener: LoginChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

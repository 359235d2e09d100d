import type { Database } from '../db/database.ts';

/**
 * A trigger on login_transactions (migrations 0002, 0004) sends the interaction uid of every transaction whose
 * status changes on this channel, so a browser waiting on one server process learns at once that a device
 * answered on another.
 */
const CHANNEL = 'thaid_login_transactions';

export type LoginChangeListener = () => void;

/** Fans the one database subscription out to the browsers waiting in this process, each for its own sign-in. */
export class LoginChanges {
  readonly #listeners = new Map<string, Set<LoginChangeListener>>();

  static async start(database: Database): Promise<LoginChanges> {
    const changes = new LoginChanges();
    await database.listen(
      CHANNEL,
      (interactionUid) => {
        for (const listener of changes.#listeners.get(interactionUid) ?? []) listener();
      },
      // Back after a break in which an answer may have gone unheard: every waiting browser looks again now.
      () => {
        for (const listeners of changes.#listeners.values()) for (const listener of listeners) listener();
      },
    );
    return changes;
  }

  /** Calls `listener` each time a transaction of the sign-in `interactionUid` changes status. */
  subscribe(interactionUid: string, listener: LoginChangeListener): () => void {
    let listeners = this.#listeners.get(interactionUid);
    if (!listeners) {
      listeners = new Set();
      this.#listeners.set(interactionUid, listeners);
    }
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) this.#listeners.delete(interactionUid);
    };
  }
}

import type { Database } from '../db/database.ts';

/**
 * Triggers on device_notifications and devices (migration 0014) send the citizen ID of every new notice, and of
 * every device whose status changes, on this channel: a device's stream on one server process learns at once of
 * a notice written by another (a sign-in scanned there, a new enrolment).
 */
const CHANNEL = 'thaid_device_notifications';

export type NoticeListener = () => void;

/**
 * Fans the one database subscription out to the notice streams open in this process, each for its device's
 * citizen, and counts the streams each device holds open here.
 */
export class LiveNotifications {
  readonly #listeners = new Map<string, Set<NoticeListener>>();
  readonly #openStreams = new Map<string, { close: () => void }[]>();

  static async start(database: Database): Promise<LiveNotifications> {
    const live = new LiveNotifications();
    // Back after a break in which a notice may have gone unheard: every open stream looks again now.
    await database.listen(CHANNEL, (pid) => live.announce(pid), () => {
      for (const pid of live.#listeners.keys()) live.announce(pid);
    });
    return live;
  }

  /** Wakes the streams of the citizen `pid`; the database does this through NOTIFY. */
  announce(pid: string): void {
    for (const listener of this.#listeners.get(pid) ?? []) listener();
  }

  /** Calls `listener` each time a notice for the citizen `pid` is written, or one of their devices changes status. */
  subscribe(pid: string, listener: NoticeListener): () => void {
    let listeners = this.#listeners.get(pid);
    if (!listeners) {
      listeners = new Set();
      this.#listeners.set(pid, listeners);
    }
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.#listeners.get(pid) === listeners) this.#listeners.delete(pid);
    };
  }

  /**
   * Counts a stream the device `deviceId` opened in this process. When that makes more than `limit`, the oldest
   * of them is told to close (`close`, which must give its place back): a phone whose connection died without a
   * word still holds its streams until a write to them fails, and must not be locked out by them. Returns the
   * function that gives the place back (once, however often it is called).
   */
  holdStream(deviceId: string, limit: number, close: () => void): () => void {
    let streams = this.#openStreams.get(deviceId);
    if (!streams) {
      streams = [];
      this.#openStreams.set(deviceId, streams);
    }
    const held = { close };
    streams.push(held);
    const release = () => {
      const at = streams.indexOf(held);
      if (at >= 0) streams.splice(at, 1);
      if (streams.length === 0 && this.#openStreams.get(deviceId) === streams) this.#openStreams.delete(deviceId);
    };
    while (streams.length > limit) {
      const oldest = streams.shift()!;
      oldest.close();
    }
    return release;
  }

  /** How many streams the device holds open in this process. */
  openStreams(deviceId: string): number {
    return this.#openStreams.get(deviceId)?.length ?? 0;
  }
}

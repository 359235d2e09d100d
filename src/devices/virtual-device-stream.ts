import { EventStreamParser } from '../notifications/event-stream-parser.ts';

/*
 * The device's side of its live notice stream (GET /device/v1/notifications/stream), as a virtual device reads
 * it: the events as they arrive, and a wait for the one a test or the CLI expects.
 */

/** One server-sent event of a notice stream. */
export interface StreamEvent {
  event: string;
  id: string | undefined;
  /** The event's data, parsed as JSON. */
  data: Record<string, unknown>;
}

/** A device's open notice stream: its events in order as they arrive, and how it ended. */
export class NotificationStream {
  /** Every event received so far. */
  readonly events: StreamEvent[] = [];
  /** Comments received so far (heartbeats, the greeting). */
  readonly comments: string[] = [];
  /** Why reading broke off, when it was not the server's end or close(). */
  error: unknown;
  /** Resolves when the server ends the stream, or close() does. */
  readonly ended: Promise<void>;
  readonly #abort: AbortController;
  #waiters: (() => void)[] = [];
  #done = false;

  constructor(body: ReadableStream<Uint8Array>, abort: AbortController) {
    this.#abort = abort;
    this.ended = this.#read(body)
      .catch((error: unknown) => {
        this.error = error;
      })
      .finally(() => {
        this.#done = true;
        this.#wake();
      });
  }

  get closed(): boolean {
    return this.#done;
  }

  /** The first event received that `matches` (the next one by default), waiting at most `timeoutMs`; undefined when none came. */
  async waitFor(matches: (event: StreamEvent) => boolean = () => true, timeoutMs = 5000, from = 0): Promise<StreamEvent | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.slice(from).find(matches);
      if (found || this.#done || Date.now() >= deadline) return found;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.#abort.abort();
  }

  #wake() {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  async #read(body: ReadableStream<Uint8Array>) {
    const decoder = new TextDecoder();
    const parser = new EventStreamParser();
    try {
      for await (const chunk of body) {
        for (const piece of parser.push(decoder.decode(chunk, { stream: true }))) {
          if (piece.kind === 'comment') this.comments.push(piece.text);
          else this.events.push({ event: piece.event.event, id: piece.event.id, data: JSON.parse(piece.event.data) as Record<string, unknown> });
          this.#wake();
        }
      }
    } catch (error) {
      if (!this.#abort.signal.aborted) throw error;
    }
  }
}

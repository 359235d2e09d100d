import { EventStreamParser } from '../../notifications/event-stream-parser.ts';
import { API, revokedNow, signature } from './device-api.ts';
import type { StoredDevice } from './device-key.ts';

/*
 * The citizen's notices as they are written (GET /notifications/stream). EventSource cannot sign a request, so
 * the stream is read with fetch; after a break it is signed and opened again, resuming after the last notice,
 * once the server's retry delay has passed. It stops when the phone is replaced, or when a newer tab takes its place.
 */

const RETRY_MS = 5000;

export function followNotices(device: StoredDevice, onEvent: (event: string, data: unknown) => void): () => void {
  const abort = new AbortController();
  let lastId: string | undefined;
  const path = `${API}/notifications/stream`;

  /** Reads one connection to its end; false when the stream must not be opened again. */
  async function readOnce(): Promise<boolean> {
    const headers: Record<string, string> = { authorization: await signature(device, 'GET', path, ''), accept: 'text/event-stream' };
    if (lastId) headers['last-event-id'] = lastId;
    const response = await fetch(path, { headers, signal: abort.signal, cache: 'no-store' });
    if (!response.ok || !response.body) {
      const refusal = (await response.json().catch(() => ({}))) as { error?: string };
      if (refusal.error === 'device_revoked') {
        revokedNow();
        return false;
      }
      return true;
    }
    const reader = response.body.getReader();
    const parser = new EventStreamParser();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return true;
        for (const piece of parser.push(decoder.decode(value, { stream: true }))) {
          if (piece.kind !== 'event') continue;
          const { event, id, data } = piece.event;
          if (id) lastId = id;
          const parsed = JSON.parse(data) as { reason?: string };
          onEvent(event, parsed);
          if (event === 'closed') {
            if (parsed.reason === 'device_revoked') revokedNow();
            // Closed for a newer stream of this phone (another tab): opening it again would close another tab's in
            // turn, so it stays closed; the app opens it again when the citizen next uses this tab.
            return parsed.reason !== 'device_revoked' && parsed.reason !== 'stream_limit';
          }
        }
      }
    } finally {
      await reader.cancel().catch(() => {});
    }
  }

  void (async () => {
    while (!abort.signal.aborted) {
      const again = await readOnce().catch(() => true);
      if (!again || abort.signal.aborted) return;
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  })();
  return () => abort.abort();
}

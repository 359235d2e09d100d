import { API, revokedNow, signature } from './device-api.ts';
import type { StoredDevice } from './device-key.ts';

/*
 * The citizen's notices as they are written (GET /notifications/stream). EventSource cannot sign a request, so
 * the stream is read with fetch; on a break it is signed and opened again after the server's retry delay.
 */
export function followNotices(device: StoredDevice, onEvent: (event: string, data: unknown) => void): () => void {
  const abort = new AbortController();
  let lastId: string | undefined;
  const path = `${API}/notifications/stream`;
  const open = async () => {
    while (!abort.signal.aborted) {
      try {
        const headers: Record<string, string> = { authorization: await signature(device, 'GET', path, ''), accept: 'text/event-stream' };
        if (lastId) headers['last-event-id'] = lastId;
        const response = await fetch(path, { headers, signal: abort.signal, cache: 'no-store' });
        if (response.status === 401) {
          const refusal = (await response.json().catch(() => ({}))) as { error?: string };
          if (refusal.error === 'device_revoked') revokedNow();
          return;
        }
        if (!response.ok || !response.body) return;
        let buffer = '';
        const decoder = new TextDecoder();
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const fields = Object.fromEntries(block.split('\n').filter((line) => !line.startsWith(':')).map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]));
            if (fields.id) lastId = fields.id;
            if (fields.data) onEvent(fields.event ?? 'message', JSON.parse(fields.data));
            if (fields.event === 'closed') {
              if ((JSON.parse(fields.data ?? '{}') as { reason?: string }).reason === 'device_revoked') revokedNow();
              return;
            }
          }
        }
      } catch {
        if (abort.signal.aborted) return;
      }
      await new Promise((resolve) => setTimeout(resolve, 5000));
    }
  };
  void open();
  return () => abort.abort();
}

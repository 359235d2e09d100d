import http from 'node:http';

/**
 * A waiting browser's EventSource on a login page's status stream: the first status (the stream is then
 * subscribed, so no later change can be missed) and, when the stream ends, every status in order.
 */
export function followStatusStream(url: string, cookies: string): { first: Promise<string>; ended: Promise<{ statuses: string[]; at: number }> } {
  const statuses: string[] = [];
  let reportFirst: (status: string) => void = () => {};
  const first = new Promise<string>((resolve) => (reportFirst = resolve));
  const ended = new Promise<{ statuses: string[]; at: number }>((resolve, reject) => {
    http
      .get(url, { headers: { cookie: cookies, accept: 'text/event-stream' } }, (res) => {
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const data = /^data: (.*)$/m.exec(buffer.slice(0, end))?.[1];
            buffer = buffer.slice(end + 2);
            if (data) {
              statuses.push(JSON.parse(data).status);
              if (statuses.length === 1) reportFirst(statuses[0]!);
            }
          }
        });
        res.on('end', () => resolve({ statuses, at: Date.now() }));
      })
      .on('error', reject);
  });
  return { first, ended };
}

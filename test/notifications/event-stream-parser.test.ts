import { describe, expect, it } from 'vitest';
import { EventStreamParser } from '../../src/notifications/event-stream-parser.ts';

describe('reading server-sent events', () => {
  it('reads events whatever the line endings, however the text is cut', () => {
    const text = 'id: 7\r\nevent: notification\r\ndata: {"a":1}\r\n\r\n: heartbeat\n\nevent: closed\rdata: {"reason":"x"}\r\r\n';
    // Every cut, a CRLF's two halves in separate pieces included, gives the same events.
    for (let cut = 0; cut <= text.length; cut++) {
      const parser = new EventStreamParser();
      const pieces = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))];
      expect(pieces).toEqual([
        { kind: 'event', event: { event: 'notification', id: '7', data: '{"a":1}' } },
        { kind: 'comment', text: 'heartbeat' },
        { kind: 'event', event: { event: 'closed', id: undefined, data: '{"reason":"x"}' } },
      ]);
    }
  });

  it('joins data lines with newlines, and sends nothing for an event without data', () => {
    const parser = new EventStreamParser();
    expect(parser.push('event: empty\n\ndata: one\ndata:two\n\n')).toEqual([{ kind: 'event', event: { event: 'message', id: undefined, data: 'one\ntwo' } }]);
  });
});

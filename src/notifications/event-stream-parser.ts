/*
 * Server-sent events as the HTML standard reads them: lines ended by CR, LF or CRLF; a blank line ends an event;
 * `data:` lines join with newlines; a line starting with ':' is a comment. Shared by the virtual device and the
 * phone app, which both read the notice stream with fetch (EventSource cannot sign its request).
 */

export interface ParsedEvent {
  event: string;
  id: string | undefined;
  data: string;
}

export class EventStreamParser {
  #buffer = '';
  #event = 'message';
  #id: string | undefined;
  #data: string[] = [];

  /** Takes the next piece of text; answers the events and comments it completed, in order. */
  push(text: string): ({ kind: 'event'; event: ParsedEvent } | { kind: 'comment'; text: string })[] {
    this.#buffer += text;
    const out: ({ kind: 'event'; event: ParsedEvent } | { kind: 'comment'; text: string })[] = [];
    let end: number;
    // A CR at the very end may be the first half of a CRLF: wait for the next piece.
    while ((end = this.#buffer.search(/\r\n|\r(?!$)|\n/)) >= 0) {
      const line = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + (this.#buffer.startsWith('\r\n', end) ? 2 : 1));
      if (line === '') {
        if (this.#data.length) out.push({ kind: 'event', event: { event: this.#event, id: this.#id, data: this.#data.join('\n') } });
        this.#event = 'message';
        this.#id = undefined;
        this.#data = [];
      } else if (line.startsWith(':')) {
        out.push({ kind: 'comment', text: line.slice(1).trim() });
      } else {
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') this.#event = value;
        else if (field === 'id') this.#id = value;
        else if (field === 'data') this.#data.push(value);
      }
    }
    return out;
  }
}

// Control characters, line and paragraph separators, and the marks that reorder the text after them.
const unprintable = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;
const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const escaped = (c: string) => named[c] ?? `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`;

/**
 * Prints JSON for machines with --json, or the human-readable text. The text's own lines and tabs stay; any other
 * control character in it, which only a stored name can bring, is printed as its escape, never sent to the terminal.
 */
export function print(json: boolean | undefined, data: unknown, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : `${text().replace(unprintable, (c) => (c === '\n' || c === '\t' ? c : escaped(c)))}\n`);
}

/**
 * Text someone else wrote (an agency's name, a system's), made safe to print on one line of a terminal: a control
 * character is shown as its escape (\n, \u001b) rather than sent, so it can neither drive the terminal nor start a
 * line that looks like another entry.
 */
export const printable = (text: string): string => text.replace(unprintable, escaped);

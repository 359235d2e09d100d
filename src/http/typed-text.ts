/*
 * Text people type for others to read (an agency's name, a purpose): it is shown in pages, printed by the CLI and
 * kept for good in the disclosure ledger, so it holds no control character, which a terminal would act on (ESC
 * starts a command) and no one can see. A text of several lines keeps its line breaks and tabs.
 */

/** The refusal's words, the same wherever a text is refused for it. */
export const controlCharactersRefused = 'must not contain control characters';

/** One line: no control character at all. */
export const isOneLine = (text: string): boolean => !/\p{Cc}/u.test(text);

/** Several lines: line breaks and tabs, and no other control character. */
export const isLinesOfText = (text: string): boolean => !/[^\P{Cc}\t\n\r]/u.test(text);

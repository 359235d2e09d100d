/** A text in Thai, with its English beside it on the page. */
export interface Bilingual {
  th: string;
  en: string;
}

/** A link a message page offers, such as "sign in again". */
export interface PageAction extends Bilingual {
  href: string;
}

/**
 * A page the console answers with instead of the one asked for: not signed in, a missing role, a refused form,
 * a failed sign-in. The console's error pages render it in Thai and English (see console-errors.ts).
 */
export class ConsolePageError extends Error {
  readonly status: number;
  readonly heading: Bilingual;
  readonly explanation: Bilingual[];
  readonly actions: PageAction[];

  constructor(status: number, heading: Bilingual, explanation: Bilingual[], actions: PageAction[] = []) {
    super(heading.en);
    this.name = 'ConsolePageError';
    this.status = status;
    this.heading = heading;
    this.explanation = explanation;
    this.actions = actions;
  }
}

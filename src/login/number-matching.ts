import { createHash } from 'node:crypto';

/*
 * Number matching: the login page shows a two-digit number (the transaction's match_number) and the phone offers
 * three, and the citizen picks the one on the screen before the PIN. Whoever relays a sign-in's code to a
 * citizen cannot show them the number, so a citizen approving a request they did not start picks wrong two times
 * in three, and a wrong pick refuses the sign-in.
 */

/**
 * The three numbers the phone offers for a sign-in: its number and two others, in an order drawn from the
 * sign-in's id, so every read of the request offers the same three. The others depend on the id only, and so
 * say nothing of which one is right.
 */
export function numberChoices(loginId: string, matchNumber: number): number[] {
  const bytes = createHash('sha256').update(`number choices of ${loginId}`).digest();
  const choices: number[] = [];
  for (const byte of bytes) {
    const candidate = 10 + (byte % 90);
    if (candidate !== matchNumber && !choices.includes(candidate)) choices.push(candidate);
    if (choices.length === 2) break;
  }
  choices.splice(bytes[31]! % 3, 0, matchNumber);
  return choices;
}

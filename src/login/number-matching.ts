import { randomInt } from 'node:crypto';

/*
 * Number matching: the login page shows a two-digit number (the transaction's match_number) and the phone offers
 * three (number_choices), and the citizen picks the one on the screen before the PIN. A citizen asked to approve
 * a sign-in they did not start does not see its screen: unless whoever passed them the code also tells them the
 * number, they pick wrong two times in three, and a wrong pick refuses the sign-in. Both are drawn at random
 * when the transaction opens and kept with it, so nothing the phone is told says which of the three is right.
 */

export interface DrawnNumbers {
  matchNumber: number;
  /** Three different two-digit numbers in random order, matchNumber one of them. */
  numberChoices: number[];
}

const twoDigits = () => randomInt(10, 100);

export function drawNumbers(): DrawnNumbers {
  const choices = [twoDigits()];
  while (choices.length < 3) {
    const next = twoDigits();
    if (!choices.includes(next)) choices.push(next);
  }
  // Fisher–Yates, so the right one is in each place as often.
  for (let i = choices.length - 1; i > 0; i--) {
    const j = randomInt(0, i + 1);
    [choices[i], choices[j]] = [choices[j]!, choices[i]!];
  }
  return { matchNumber: choices[randomInt(0, 3)]!, numberChoices: choices };
}

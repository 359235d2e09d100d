import { describe, expect, it } from 'vitest';
import type { LoginStatus } from '../../src/db/schema.ts';
import { IllegalTransitionError, loginTransitions, transitionFor, type Actor, type LoginTransition } from '../../src/login/state-machine.ts';

const statuses: LoginStatus[] = ['pending', 'scanned', 'approved', 'denied', 'expired', 'cancelled'];
const actors: Actor[] = ['browser', 'device', 'clock', 'enrolment'];

const listed = Object.entries(loginTransitions as Record<string, LoginTransition>).flatMap(([name, t]) =>
  t.from.map((from) => ({ name, from, to: t.to, by: t.by })),
);
const isListed = (from: LoginStatus, to: LoginStatus, by: Actor) => listed.some((t) => t.from === from && t.to === to && t.by === by);
const illegal = statuses.flatMap((from) => statuses.flatMap((to) => actors.filter((by) => !isListed(from, to, by)).map((by) => [from, to, by] as const)));

describe('the login transaction’s transitions', () => {
  it.each(listed.map((t) => [t.name, t.from, t.to, t.by] as const))('%s: from %s to %s by the %s is allowed', (name, from, to, by) => {
    expect(transitionFor(from, to, by)).toBe(name);
  });

  it.each(illegal)('from %s to %s by the %s is refused', (from, to, by) => {
    expect(() => transitionFor(from, to, by)).toThrow(IllegalTransitionError);
  });

  it('never leave a final status', () => {
    for (const final of ['approved', 'denied', 'expired', 'cancelled'] as const) {
      expect(listed.filter((t) => t.from === final)).toEqual([]);
    }
  });
});

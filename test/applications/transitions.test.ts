import { describe, expect, it } from 'vitest';
import type { ApplicationActor } from '../../src/applications/actors.ts';
import { actingRole, applicationTransitions, checkFrom, type ApplicationTransitionRule } from '../../src/applications/transitions.ts';
import type { ApplicationStatus, ApplicationTransition } from '../../src/db/schema.ts';

const statuses: ApplicationStatus[] = ['draft', 'submitted', 'changes_requested', 'prepared', 'approved', 'rejected'];
const rules = Object.entries(applicationTransitions) as [ApplicationTransition, ApplicationTransitionRule][];
const administrator = '1103000123455';
const someoneElse = '3500100456782';
const staff = (...roles: ('reviewer' | 'approver' | 'administrator')[]): ApplicationActor => ({ kind: 'staff', pid: someoneElse, roles });

describe("an application's transitions", () => {
  it('never leave approved or rejected', () => {
    expect(rules.filter(([, rule]) => rule.from.includes('approved') || rule.from.includes('rejected'))).toEqual([]);
  });

  it.each(rules.flatMap(([name, rule]) => statuses.map((status) => [name, status, rule.from.includes(status)] as const)))(
    '%s from %s is allowed: %s',
    (name, status, allowed) => {
      if (allowed) expect(() => checkFrom(name, status, 'the-id')).not.toThrow();
      else expect(() => checkFrom(name, status, 'the-id')).toThrow(expect.objectContaining({ status: 409, code: 'wrong_status' }));
    },
  );

  it('are made by whom the table says, in the role it names', () => {
    const agency: ApplicationActor = { kind: 'agency', pid: administrator };
    const stranger: ApplicationActor = { kind: 'agency', pid: someoneElse };
    expect(actingRole('submit', agency, administrator)).toBe('agency_admin');
    expect(() => actingRole('submit', stranger, administrator)).toThrow(expect.objectContaining({ status: 403, code: 'not_permitted' }));
    expect(actingRole('create', stranger, null)).toBe('agency_admin');

    expect(actingRole('prepare', staff('reviewer'), administrator, ['reviewer'])).toBe('reviewer');
    expect(actingRole('approve', staff('reviewer', 'approver'), administrator, ['reviewer', 'approver'])).toBe('approver');
    expect(actingRole('reject', staff('approver'), administrator, ['approver'])).toBe('approver');
    expect(() => actingRole('approve', staff('reviewer'), administrator, ['reviewer'])).toThrow(/Only an approver or the admin token may approve/);
    expect(() => actingRole('prepare', staff('administrator'), administrator, ['administrator'])).toThrow(expect.objectContaining({ status: 403 }));
    // The roles a member of staff holds now are what count, not those they were signed in with.
    expect(() => actingRole('prepare', staff('reviewer'), administrator, [])).toThrow(expect.objectContaining({ status: 403 }));

    for (const [name] of rules) expect(actingRole(name, { kind: 'admin_token' }, administrator)).toBe('admin_token');
  });

  it('never let a member of staff decide an application they filed, whatever roles they hold', () => {
    const applicantOnStaff: ApplicationActor = { kind: 'staff', pid: administrator, roles: ['reviewer', 'approver'] };
    const roles = ['reviewer', 'approver'] as const;
    for (const [name, rule] of rules.filter(([, rule]) => !rule.by.includes('agency_admin'))) {
      expect(() => actingRole(name, applicantOnStaff, administrator, roles), `${name}, ${rule.to}`).toThrow(expect.objectContaining({ status: 403, code: 'own_application' }));
    }
    expect(actingRole('approve', staff('approver'), administrator, ['approver'])).toBe('approver');
    expect(() => actingRole('request_changes', { kind: 'first_start' }, null)).toThrow(expect.objectContaining({ status: 403 }));
  });
});

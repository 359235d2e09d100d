import { describe, expect, it } from 'vitest';
import { applicationForm } from '../../src/applications/form.ts';

/** The messages the form gives for one system's estimate of sign-ins a day. */
const estimateMessages = (estimate: unknown) =>
  applicationForm.safeParse({ systems: [{ estimatedDailyTransactions: estimate }] }).error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) ?? [];

describe('an application’s estimate of sign-ins a day', () => {
  it('is taken when it is a whole number from 1 to 100,000,000', () => {
    expect(estimateMessages(1)).toEqual([]);
    expect(estimateMessages(100_000_000)).toEqual([]);
  });

  it('says what is wrong with it, once', () => {
    expect(estimateMessages(2.5)).toEqual(['systems.0.estimatedDailyTransactions: must be a whole number of sign-ins a day']);
    expect(estimateMessages(1e300)).toEqual(['systems.0.estimatedDailyTransactions: must be a whole number of sign-ins a day']);
    expect(estimateMessages(0)).toEqual(['systems.0.estimatedDailyTransactions: must be at least 1']);
    expect(estimateMessages(1e9)).toEqual(['systems.0.estimatedDailyTransactions: must be at most 100,000,000 sign-ins a day']);
  });
});

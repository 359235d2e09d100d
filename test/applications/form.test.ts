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

/** The messages the form gives, by field. */
const messages = (form: unknown) => applicationForm.safeParse(form).error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) ?? [];

describe('an application’s texts', () => {
  it('refuse control characters, which a terminal would act on and no page shows, in a name', () => {
    expect(messages({ agency: { nameTh: 'กรม\u001b[2J', nameEn: 'Agency\nOn two lines' }, systems: [{ name: 'App\u0007' }] })).toEqual([
      'agency.nameTh: must not contain control characters',
      'agency.nameEn: must not contain control characters',
      'systems.0.name: must not contain control characters',
    ]);
  });

  it('keep the line breaks and tabs of the texts typed in several lines, and refuse their other control characters', () => {
    expect(messages({ agency: { address: '1 Road\r\nBangkok' }, purpose: 'Sign-in\n\tfor the counter', remarks: 'Line one\nLine two' })).toEqual([]);
    expect(messages({ purpose: 'Sign-in\u001b]0;title\u0007' })).toEqual(['purpose: must not contain control characters']);
  });
});

import { describe, expect, it } from 'vitest';
import { pinProblems } from '../../src/devices/pin-policy.ts';

const citizen = { birthdate: '1988-05-14', pid: '1103000123455' };
const birthdate = citizen;

describe('a ThaID PIN', () => {
  it('is accepted when it is 8 digits and not easy to guess', () => {
    expect(pinProblems('40718263', birthdate)).toEqual([]);
  });

  it.each(['1234567', '123456789', '1234abcd', ' 4071826', ''])('must be exactly 8 digits (%j)', (pin) => {
    expect(pinProblems(pin, birthdate)).toEqual(['The PIN must be exactly 8 digits.']);
  });

  it.each(['00000000', '77777777'])('must not be one digit repeated (%s)', (pin) => {
    expect(pinProblems(pin, birthdate).join(' ')).toContain('one digit repeated');
  });

  it.each(['12345678', '23456789', '87654321', '90123456', '32109876'])('must not be a run of digits (%s)', (pin) => {
    expect(pinProblems(pin, birthdate).join(' ')).toContain('run of digits');
  });

  it.each(['14051988', '19880514', '05141988', '14052531', '25310514'])('must not be the birth date in a common form (%s)', (pin) => {
    expect(pinProblems(pin, birthdate).join(' ')).toContain('date of birth');
  });
});

describe('a ThaID PIN, against patterns people reach for', () => {
  it.each(['12121212', '90909090', '12341234', '25672567', '11223344', '99887766', '11112222', '00009999', '12344321', '40188104'])(
    'must not be a repeated pair or half, doubled digits, two blocks or a palindrome (%s)',
    (pin) => {
      expect(pinProblems(pin, citizen).join(' ')).toContain('must not be a pattern');
    },
  );

  it.each(['12365478', '78963214', '14789632', '21478963'])('must not be a path along the keypad (%s)', (pin) => {
    expect(pinProblems(pin, citizen).join(' ')).toContain('path along the keypad');
  });

  it.each(['14725836', '13579246', '31415926', '11235813', '72779673', '10203040'])('must not be one of the most often chosen (%s)', (pin) => {
    expect(pinProblems(pin, citizen).join(' ')).toContain('most often chosen');
  });

  it.each(['25122540', '20240229', '07041975', '31122099', '29022567'])('must not be any other date in a common form either (%s)', (pin) => {
    expect(pinProblems(pin, citizen)).toEqual(['The PIN must not be a date: birthdays and anniversaries are among the first PINs anyone tries.']);
  });

  it.each(['30022024', '20230229', '31041975', '13131975', '01011899', '01012101'])('may look like a date that is not one (%s)', (pin) => {
    expect(pinProblems(pin, citizen).join(' ')).not.toContain('date');
  });

  it.each(['11030001', '03000123', '00123455'])('must not be eight digits in a row of the citizen ID (%s)', (pin) => {
    expect(pinProblems(pin, citizen).join(' ')).toContain('citizen ID number');
    expect(pinProblems(pin, { ...citizen, pid: '3500100456782' })).toEqual([]);
  });

  it('still leaves nearly every PIN to choose from: the rules refuse about 0.4% of a sample, most of them dates', () => {
    let refused = 0;
    for (let i = 0; i < 100_000; i++) if (pinProblems(String(i * 997).padStart(8, '0').slice(-8), citizen).length) refused++;
    expect(refused / 100_000).toBeGreaterThan(0.002);
    expect(refused / 100_000).toBeLessThan(0.006);
  });
});

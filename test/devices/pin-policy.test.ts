import { describe, expect, it } from 'vitest';
import { pinProblems } from '../../src/devices/pin-policy.ts';

const birthdate = '1988-05-14';

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

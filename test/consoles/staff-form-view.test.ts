import { describe, expect, it } from 'vitest';
import { formView } from '../../src/consoles/staff-form-view.ts';

describe('a refused staff form as its page shows it', () => {
  const refused = {
    form: 'prepare',
    problems: [{ field: 'quota', th: 'ต้องเป็นจำนวนเต็ม', en: 'must be a whole number' }],
    values: [['quota', 'ten'], ['purpose', 'ตรวจสอบสิทธิ']] as [string, string][],
    dropped: ['redirectUri'],
  };

  it('shows what was typed, and a field whose values did not fit as the page has it, never blank or unticked', () => {
    const view = formView('prepare', refused);
    expect(view.field('quota', '500')).toMatchObject({ value: 'ten', problem: { en: 'must be a whole number' } });
    expect(view.field('purpose', 'as asked').value).toBe('ตรวจสอบสิทธิ');
    // A field sent empty, or left out, reads as sent.
    expect(view.field('note', 'the page’s note').value).toBe('');
    expect(view.checked('scope', 'pid', true)).toBe(false);
    // The dropped field falls back to the page's own.
    expect(view.checked('redirectUri', 'https://a.example/cb', true)).toBe(true);
    expect(view.field('redirectUri', 'https://a.example/cb').value).toBe('https://a.example/cb');
  });

  it('leaves another form of the page as the page has it', () => {
    const view = formView('reject', refused);
    expect(view.field('quota', '500')).toMatchObject({ value: '500', problem: undefined });
    expect(view.checked('scope', 'pid', true)).toBe(true);
  });
});

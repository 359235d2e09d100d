import type { Bilingual } from './page-errors.ts';
import type { RefusedForm } from './staff-form-state.ts';

/*
 * One form of a staff page as its template shows it: each field with an id of its own on the page, the value to
 * show (what was typed, when this form was refused, otherwise the page's own), and its problem, which the
 * template puts beside it and ties to it with aria-invalid and aria-describedby (staff-field-aria.eta,
 * staff-field-problem.eta), as the agency portal's application form does.
 */

export interface FieldView {
  id: string;
  value: string;
  problem: Bilingual | undefined;
  /** The id of the problem beside the field. */
  problemId: string;
}

export interface FormView {
  field(name: string, fallback?: string): FieldView;
  /**
   * Whether the checkbox or radio button `name` of `value` is checked: as sent when this form was refused (and its
   * values were kept), otherwise `fallback`, the page's own.
   */
  checked(name: string, value: string, fallback: boolean): boolean;
}

export function formView(form: string, refused: RefusedForm | undefined): FormView {
  const mine = refused?.form === form ? refused : undefined;
  // A field whose values did not fit in what the refusal left shows the page's own, never a blank or an unticked box.
  const sent = (name: string) => (mine && !mine.dropped?.includes(name) ? mine : undefined);
  return {
    field(name, fallback = '') {
      const id = `${form}-${name}`;
      const value = sent(name) ? (sent(name)!.values.find(([field]) => field === name)?.[1] ?? '') : fallback;
      const problem = mine?.problems.find((p) => p.field === name);
      return { id, value, problem: problem && { th: problem.th, en: problem.en }, problemId: `${id}-problem` };
    },
    checked(name, value, fallback) {
      const kept = sent(name);
      return kept ? kept.values.some(([field, typed]) => field === name && typed === value) : fallback;
    },
  };
}

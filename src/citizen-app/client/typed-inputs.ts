/*
 * What the citizen has typed or chosen on a screen, kept while the screen is drawn again (in the other language):
 * switching the language half-way through the enrolment form must not empty it. Only fields the citizen changed
 * are kept, so that a default (the phone's suggested name, say) follows the new language.
 */

type Field = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
export type TypedInputs = Map<string, { value: string; checked: boolean }>;

function fieldsIn(root: ParentNode): Field[] {
  return [...root.querySelectorAll<Field>('input[id], textarea[id], select[id]')];
}

function changed(field: Field): boolean {
  if (field instanceof HTMLInputElement && (field.type === 'checkbox' || field.type === 'radio')) return field.checked !== field.defaultChecked;
  if (field instanceof HTMLSelectElement) return [...field.options].some((option) => option.selected !== option.defaultSelected);
  return field.value !== field.defaultValue;
}

export function typedInputs(root: ParentNode): TypedInputs {
  const typed: TypedInputs = new Map();
  for (const field of fieldsIn(root)) {
    if (changed(field)) typed.set(field.id, { value: field.value, checked: field instanceof HTMLInputElement && field.checked });
  }
  return typed;
}

export function restoreTypedInputs(root: ParentNode, typed: TypedInputs): void {
  for (const field of fieldsIn(root)) {
    const kept = typed.get(field.id);
    if (!kept) continue;
    if (field instanceof HTMLInputElement && (field.type === 'checkbox' || field.type === 'radio')) {
      field.checked = kept.checked;
      // The screen may show or hide parts on a choice (self-service or office code, say).
      field.dispatchEvent(new Event('change', { bubbles: true }));
    } else {
      field.value = kept.value;
    }
  }
}

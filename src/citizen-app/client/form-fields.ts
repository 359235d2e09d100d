import { h } from './dom.ts';

/* The form pieces the app's screens share: a labelled field, and inputs that keep the browser's memory out. */

export function field(label: string, input: HTMLElement, hint?: string): HTMLElement {
  const id = input.id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), input, hint ? h('small', { id: `${id}-hint`, class: 'hint' }, hint) : false);
}

export function textInput(id: string, attributes: Record<string, string | boolean> = {}): HTMLInputElement {
  return h('input', { id, name: id, autocomplete: 'off', ...attributes }) as HTMLInputElement;
}

/** An 8-digit PIN, typed on the phone's number pad and never shown. */
export const pinInput = (id: string, attributes: Record<string, string> = {}) =>
  textInput(id, { type: 'password', inputmode: 'numeric', maxlength: '8', pattern: '\\d{8}', ...attributes });

/** Clears what flagField said of the fields in `form`: none of them is invalid any more. */
export function clearFlags(form: HTMLElement, message: HTMLElement): void {
  for (const flagged of form.querySelectorAll('[aria-invalid="true"]')) {
    flagged.removeAttribute('aria-invalid');
    const rest = (flagged.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => id && id !== message.id);
    if (rest.length) flagged.setAttribute('aria-describedby', rest.join(' '));
    else flagged.removeAttribute('aria-describedby');
  }
}

/**
 * Ties the message of a refused form to the field it is about: focus goes to the field, marked invalid, with the
 * message as its description, so a screen reader says which field and why. Any field flagged before is cleared.
 */
export function flagField(form: HTMLElement, input: HTMLElement, message: HTMLElement): void {
  clearFlags(form, message);
  input.setAttribute('aria-invalid', 'true');
  input.setAttribute('aria-describedby', [input.getAttribute('aria-describedby'), message.id].filter(Boolean).join(' '));
  input.focus();
}

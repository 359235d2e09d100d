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

import { h } from './dom.ts';
import { w } from './i18n.ts';

/*
 * An 8-digit PIN keypad: large keys for a thumb, dots for the digits typed, and the keyboard's digits and
 * Backspace as well. The digits are never shown or put in the page's text.
 */

export interface Keypad {
  element: HTMLElement;
  value(): string;
  clear(): void;
}

/** `labelledBy`: the id of the words that ask for the PIN. */
export function pinKeypad(labelledBy: string, onChange: (length: number) => void): Keypad {
  let digits = '';
  const dots = h('div', { class: 'pin-dots', 'aria-hidden': 'true' });
  const count = h('p', { class: 'visually-hidden', 'aria-live': 'polite' });
  const redraw = () => {
    dots.replaceChildren(...Array.from({ length: 8 }, (_, i) => h('span', { class: i < digits.length ? 'dot filled' : 'dot' })));
    count.textContent = w(`ใส่แล้ว ${digits.length} จาก 8 หลัก`, `${digits.length} of 8 digits entered`);
    onChange(digits.length);
  };
  const press = (key: string) => {
    if (key === 'back') digits = digits.slice(0, -1);
    else if (digits.length < 8) digits += key;
    redraw();
  };
  const key = (label: string, value: string, name = label) =>
    h('button', { type: 'button', class: 'key', 'data-key': value, 'aria-label': name, onclick: () => press(value) }, label);
  const keys = h(
    'div',
    { class: 'keypad' },
    ['1', '2', '3', '4', '5', '6', '7', '8', '9'].map((digit) => key(digit, digit)),
    h('span', {}),
    key('0', '0'),
    key('⌫', 'back', w('ลบ', 'Delete')),
  );
  const hint = h('p', { id: `${labelledBy}-hint`, class: 'visually-hidden' }, w('PIN 8 หลัก กดปุ่มหรือพิมพ์ตัวเลขได้', '8-digit PIN: press the keys or type the digits'));
  // Focusable as a whole, so a keyboard types the PIN straight in.
  const element = h('div', { class: 'pin-entry', role: 'group', tabindex: 0, 'aria-labelledby': labelledBy, 'aria-describedby': hint.id }, hint, dots, count, keys);
  element.addEventListener('keydown', (event) => {
    if (/^\d$/.test(event.key)) press(event.key);
    else if (event.key === 'Backspace') press('back');
    else return;
    event.preventDefault();
  });
  redraw();
  return {
    element,
    value: () => digits,
    clear: () => {
      digits = '';
      redraw();
    },
  };
}

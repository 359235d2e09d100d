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

/**
 * `labelledBy`: the id of the words that ask for the PIN, which name the keypad; `typed`: the digits already in, when
 * the screen is drawn again.
 */
export function pinKeypad(labelledBy: string, onChange: (length: number, digits: string) => void, typed = ''): Keypad {
  let digits = typed;
  const dots = h('div', { class: 'pin-dots', 'aria-hidden': 'true' });
  // How many digits are in, never which: a screen reader says it as it changes, and on reaching the keys.
  const count = h('p', { id: `${labelledBy}-count`, class: 'visually-hidden', 'aria-live': 'polite' });
  const redraw = () => {
    dots.replaceChildren(...Array.from({ length: 8 }, (_, i) => h('span', { class: i < digits.length ? 'dot filled' : 'dot' })));
    count.textContent = w(`ใส่แล้ว ${digits.length} จาก 8 หลัก`, `${digits.length} of 8 digits entered`);
    onChange(digits.length, digits);
  };
  const press = (key: string) => {
    if (key === 'back') digits = digits.slice(0, -1);
    else if (digits.length < 8) digits += key;
    redraw();
  };
  const key = (label: string | HTMLElement, value: string, name?: string) =>
    h('button', { type: 'button', class: 'key', 'data-key': value, 'aria-label': name, onclick: () => press(value) }, label);
  const hint = h('p', { id: `${labelledBy}-hint`, class: 'visually-hidden' }, w('PIN 8 หลัก กดปุ่มหรือพิมพ์ตัวเลขได้', '8-digit PIN: press the keys or type the digits'));
  /*
   * A group of buttons, named by the question, that a screen reader lists and reads in browse mode as any buttons.
   * Nothing but the keys takes focus; at any of them the keyboard's digits type straight in.
   */
  const keys = h(
    'div',
    { class: 'keypad', role: 'group', 'aria-labelledby': labelledBy, 'aria-describedby': `${hint.id} ${count.id}` },
    ['1', '2', '3', '4', '5', '6', '7', '8', '9'].map((digit) => key(digit, digit)),
    h('span', {}),
    key('0', '0'),
    // Named in words; the sign itself would be read out beside them.
    key(h('span', { 'aria-hidden': 'true' }, '⌫'), 'back', w('ลบ', 'Delete')),
  );
  keys.addEventListener('keydown', (event) => {
    if (/^\d$/.test(event.key)) press(event.key);
    else if (event.key === 'Backspace') press('back');
    else return;
    event.preventDefault();
  });
  const element = h('div', { class: 'pin-entry' }, hint, dots, count, keys);
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

import type { Notice } from './api-types.ts';
import { h } from './dom.ts';
import { pick, w } from './i18n.ts';

/*
 * The notices that ask the citizen to act, shown as they arrive on whichever screen is open: another phone
 * scanning the request this phone is answering (deny it if the sign-in is not theirs), and someone failing to
 * enrol a phone with their card. Each stays, across screens, until the citizen closes it.
 */

export const warningKinds = new Set(['second_scan', 'enrolment_failed']);

export interface Warnings {
  /** The region, kept in the page from the start so that a screen reader announces what appears in it. */
  element: HTMLElement;
  /** Shows the notice if it is one that asks the citizen to act. */
  offer(notice: Notice): void;
  /** Draws the warnings open again, in the language the app now speaks. */
  redraw(): void;
}

export function warningRegion(): Warnings {
  const element = h('div', { class: 'warnings', role: 'alert' });
  /** Every warning offered, closed ones too: a stream that resumes sends again what it sent before the break. */
  const offered = new Set<string>();
  const open = new Map<string, Notice>();
  const view = (notice: Notice) => {
    const close = h('button', { type: 'button', class: 'small' }, w('ปิด', 'Close'));
    const warning = h('div', { class: 'message error warning', 'data-kind': notice.kind }, h('p', {}, pick(notice)), close);
    close.addEventListener('click', () => {
      open.delete(notice.id);
      warning.remove();
      // Focus would be lost with the button: the screen's title takes it, as when a screen opens.
      document.querySelector<HTMLElement>('main h1')?.focus();
    });
    return warning;
  };
  return {
    element,
    offer(notice) {
      if (!warningKinds.has(notice.kind) || offered.has(notice.id)) return;
      offered.add(notice.id);
      open.set(notice.id, notice);
      element.append(view(notice));
    },
    redraw() {
      element.replaceChildren(...[...open.values()].map(view));
    },
  };
}

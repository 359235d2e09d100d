/* A small way to build the screens: elements from tag, attributes and children, text always as text. */

type Child = Node | string | number | false | null | undefined | Child[];

/** What a message says: words, or words with a part in another language marked (see english in i18n.ts). */
export type Words = string | Node;
type Attributes = Record<string, string | number | boolean | EventListener | undefined>;

export function h(tag: string, attributes: Attributes = {}, ...children: Child[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === false || child === null || child === undefined) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/**
 * A message region that screen readers announce when it changes. It stays in the page, empty and taking no room,
 * while it has nothing to say: a live region that appears together with its words is often not read out. `id`
 * lets a field name it as its description.
 */
export function messageBox(id?: string): { element: HTMLElement; show(text: Words, tone?: 'error' | 'ok' | 'info'): void; clear(): void } {
  const element = h('p', { id, class: 'message', role: 'status', 'aria-live': 'polite' });
  return {
    element,
    show(text, tone = 'error') {
      element.replaceChildren(text);
      element.className = `message ${tone}`;
    },
    clear() {
      element.textContent = '';
      element.className = 'message';
    },
  };
}

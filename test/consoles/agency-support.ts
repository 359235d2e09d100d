import type { ApplicationForm } from '../../src/applications/form.ts';
import type { ConsoleBrowser } from '../support/consoles.ts';

/* What the agency portal's tests share: posting its forms as a browser does, and reading its pages. */

/** The fields a browser posts for `form` on the application page (every field of the request form, by its name there). */
export function fieldsOf(form: ApplicationForm): [string, string][] {
  const fields: [string, string][] = [];
  const add = (name: string, value: unknown) => {
    if (value !== undefined && value !== null) fields.push([name, String(value)]);
  };
  for (const group of ['agency', 'administrator', 'contact'] as const) {
    for (const [key, value] of Object.entries(form[group] ?? {})) if (key !== 'pid') add(`${group}.${key}`, value);
  }
  add('purpose', form.purpose);
  add('startDate', form.startDate);
  add('remarks', form.remarks);
  add('conditionsVersion', form.conditionsVersion);
  (form.systems ?? []).forEach((system, i) => {
    add(`systems.${i}.clientId`, system.clientId);
    add(`systems.${i}.name`, system.name);
    add(`systems.${i}.use`, system.use);
    add(`systems.${i}.estimatedDailyTransactions`, system.estimatedDailyTransactions);
    (system.redirectUris ?? []).forEach((uri, j) => add(`systems.${i}.redirectUris.${j}`, uri));
    for (const item of system.dataItems ?? []) {
      add(`systems.${i}.dataItems`, item.scope);
      add(`systems.${i}.reason.${item.scope}`, item.reason);
    }
  });
  (form.accessControllers ?? []).forEach((person, k) => {
    add(`accessControllers.${k}.name`, person.name);
    add(`accessControllers.${k}.position`, person.position);
  });
  return fields;
}

/** Posts a portal form with the session's CSRF token, as the page's form would. */
export function postForm(browser: ConsoleBrowser, path: string, fields: [string, string][] | Record<string, string>, options: { csrf?: boolean } = {}) {
  const body = new URLSearchParams(Array.isArray(fields) ? fields : Object.entries(fields));
  if (options.csrf !== false) body.set('_csrf', browser.csrfToken);
  return browser.agent.post(path).type('form').send(body.toString());
}

/** The notice a POST left for the page, once: its kind and text. */
export const noticeOf = (html: string) => {
  const found = /<p class="notice notice-(\w+)"[^>]*>([\s\S]*?)<\/p>/.exec(html);
  return found ? { kind: found[1]!, text: found[2]! } : undefined;
};

/** Text as the page's HTML escaping wrote it, read back. */
export const decoded = (html: string) => html.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

const escaped = (name: string) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The value of the text input named `name`, as the page shows it (HTML-escaped). */
export const inputValue = (html: string, name: string) => new RegExp(`name="${escaped(name)}" value="([^"]*)"`).exec(html)?.[1];

/** The text of the textarea named `name`. */
export const textareaValue = (html: string, name: string) => new RegExp(`name="${escaped(name)}"[^>]*>([^<]*)</textarea>`).exec(html)?.[1];

/** The problems the page shows next to the field with this id (e.g. f-agency-domain), as text. */
export const problemsAt = (html: string, id: string) => {
  const block = new RegExp(`<div id="${escaped(id)}-problems">([\\s\\S]*?)</div>`).exec(html)?.[1] ?? '';
  return [...block.matchAll(/<p class="field-problem">([\s\S]*?)<\/p>/g)].map((m) => decoded(m[1]!.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim()));
};

/** The id in a Location such as /agency/applications/<id>/form. */
export const applicationIdIn = (location: string) => /\/agency\/applications\/([0-9a-f-]{36})/.exec(location)?.[1];

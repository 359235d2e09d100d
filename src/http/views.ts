import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const viewsDir = fileURLToPath(new URL('../../views/', import.meta.url));
const cache = new Map<string, string>();

function load(name: string): string {
  let template = cache.get(name);
  if (template === undefined) {
    template = fs.readFileSync(`${viewsDir}${name}.html`, 'utf8');
    cache.set(name, template);
  }
  return template;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Marks markup built by our own code (already escaped) so render() inserts it as it is. */
export interface Html {
  readonly html: string;
}
export const html = (markup: string): Html => ({ html: markup });

export type ViewValues = Record<string, string | number | Html>;

/**
 * Fills {{name}} placeholders: plain values are HTML-escaped, Html values go in as they are.
 * Every page is wrapped in views/layout.html.
 */
export function render(view: string, title: string, values: ViewValues): string {
  const fill = (template: string, data: ViewValues) =>
    template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
      const value = data[key];
      if (value === undefined) throw new Error(`View ${view} needs a value for {{${key}}}`);
      return typeof value === 'object' ? value.html : escapeHtml(String(value));
    });
  return fill(load('layout'), { title, content: html(fill(load(view), values)) });
}

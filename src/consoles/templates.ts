import { fileURLToPath } from 'node:url';
import { Eta } from 'eta';

/*
 * The consoles' pages are eta templates in views/consoles/: every <%= %> is HTML-escaped (eta's default, kept
 * on here), so a value from a form or the database can never become markup. <%~ %> inserts markup as it is and is
 * used only for the output of include() and the layout's body.
 */
const views = fileURLToPath(new URL('../../views/consoles/', import.meta.url));

export const templates = new Eta({ views, cache: true, autoEscape: true, defaultExtension: '.eta' });

/** Renders views/consoles/<view>.eta with `data` (each page declares its layout). */
export function renderTemplate(view: string, data: object): string {
  return templates.render(`./${view}`, data);
}

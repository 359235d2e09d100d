import type { ApplicationForm, MissingField } from '../applications/form.ts';
import { dataItems } from '../oidc/scopes.ts';
import { fieldLabel, problemMessage } from './agency-form-labels.ts';
import type { FormState } from './agency-form-state.ts';
import { emptySystem, rowLimits, type FormRows } from './agency-form-rows.ts';
import type { Bilingual } from './page-errors.ts';

/*
 * What the application form's template shows: each field with its key, id, value and problems, the rows of
 * systems, redirect URIs and access controllers with blank rows to fill, and the list of every problem at the top.
 */

/** Which extra blank row the last "add another" asked for. */
export type MoreRows = 'system' | 'controller' | `uri.${number}` | undefined;

export function moreRowsOf(value: unknown): MoreRows {
  if (value === 'system' || value === 'controller') return value;
  if (typeof value === 'string' && /^uri\.\d{1,2}$/.test(value)) return value as `uri.${number}`;
  return undefined;
}

export interface FieldView {
  key: string;
  id: string;
  value: string;
  problems: Bilingual[];
  /** The ids of the problems, for aria-describedby; empty when there are none. */
  describedBy: string;
}

const fieldId = (key: string) => `f-${key.replace(/\./g, '-')}`;

/** The form's rows as the page shows them: what is saved, with what could not be saved put back as typed. */
export function rowsWithState(saved: FormRows, state: FormState | undefined): FormRows {
  const rows: FormRows = {
    scalars: { ...saved.scalars },
    systems: saved.systems.map((s) => ({ ...s, redirectUris: [...s.redirectUris], items: structuredClone(s.items) })),
    controllers: saved.controllers.map((c) => ({ ...c })),
  };
  if (!state) return rows;
  const byIndex = (key: string) => Number(key.split('.').at(-1));
  const removed = [...state.removedRows].sort((a, b) => byIndex(a) - byIndex(b));
  for (const key of removed) {
    const parts = key.split('.');
    if (parts[0] === 'accessControllers') {
      rows.controllers.splice(Number(parts[1]), 0, { name: state.kept[`${key}.name`] ?? '', position: state.kept[`${key}.position`] ?? '' });
    } else {
      rows.systems[Number(parts[1])]?.redirectUris.splice(Number(parts[3]), 0, state.kept[key] ?? '');
    }
  }
  for (const [key, value] of Object.entries(state.kept)) {
    const parts = key.split('.');
    if (parts[0] === 'accessControllers' || parts[2] === 'redirectUris') continue;
    if (parts[0] === 'systems') {
      const system = rows.systems[Number(parts[1])];
      if (!system) continue;
      if (parts[2] === 'reason') system.items[parts[3]!] = { asked: system.items[parts[3]!]?.asked ?? false, reason: value };
      else if (parts[2] !== undefined && parts[2] in system && typeof system[parts[2] as 'name'] === 'string') system[parts[2] as 'name'] = value;
      continue;
    }
    if (key in rows.scalars) rows.scalars[key as keyof FormRows['scalars']] = value;
  }
  return rows;
}

/** A missing field's key on the page: a data item's reason is named by its scope there, not its place. */
export function keyOfMissing(missing: MissingField, form: ApplicationForm): string {
  const m = /^systems\.(\d+)\.dataItems\.(\d+)\.reason$/.exec(missing.path);
  if (!m) return missing.path;
  const scope = form.systems?.[Number(m[1])]?.dataItems?.[Number(m[2])]?.scope;
  return scope === undefined ? missing.path : `systems.${m[1]}.reason.${scope}`;
}

export interface ProblemList {
  byKey: Map<string, Bilingual[]>;
  /** Every problem, in the order of the form, for the list at the top. */
  all: { key: string; href: string; label: Bilingual; message: Bilingual }[];
}

/** The problems to show: those the last post left, and, after a submission, what the saved form still lacks. */
export function problemsToShow(state: FormState | undefined, missing: MissingField[], form: ApplicationForm, knownIds: ReadonlySet<string>): ProblemList {
  const refused = (state?.problems ?? []).map((p) => ({ key: p.key, message: problemMessage(p.en) }));
  // A field whose value was refused is missing from the saved form for that reason alone: its refusal says it all.
  // So is a list whose rows were refused (a redirect URI, a person): it was not left empty.
  const explainedByRefusal = (key: string) => refused.some((r) => r.key === key || (/(^|\.)(redirectUris|accessControllers)$/.test(key) && r.key.startsWith(`${key}.`)));
  const lacking = state?.submitted ? missing.map((m) => ({ key: keyOfMissing(m, form), message: problemMessage(m.message) })).filter((m) => !explainedByRefusal(m.key)) : [];
  const entries = [...refused, ...lacking];
  const byKey = new Map<string, Bilingual[]>();
  for (const entry of entries) byKey.set(entry.key, [...(byKey.get(entry.key) ?? []), entry.message]);
  return {
    byKey,
    all: entries.map((e) => ({ key: e.key, href: knownIds.has(fieldId(e.key)) ? `#${fieldId(e.key)}` : '#form-problems', label: fieldLabel(e.key), message: e.message })),
  };
}

export interface SystemView {
  index: number;
  key: string;
  id: string;
  problems: Bilingual[];
  fields: Record<'clientId' | 'name' | 'use' | 'estimatedDailyTransactions' | 'profile' | 'idTokenAlg' | 'publicClient', FieldView>;
  publicClient: boolean;
  uris: { field: FieldView; index: number; saved: boolean }[];
  urisGroup: FieldView;
  items: { scope: string; th: string; en: string; asked: boolean; reason: FieldView }[];
  itemsGroup: FieldView;
  canAddUri: boolean;
}

export interface FormView {
  field: (key: string) => FieldView;
  systems: SystemView[];
  systemsGroup: FieldView;
  controllers: { index: number; name: FieldView; position: FieldView; saved: boolean }[];
  controllersGroup: FieldView;
  canAddSystem: boolean;
  canAddController: boolean;
  problems: ProblemList;
}

/** Every id the form has, so the problem list links only to fields that are on the page. */
function idsOf(rows: FormRows, systems: number, blankUris: (i: number) => number, controllers: number): Set<string> {
  const keys: string[] = [...Object.keys(rows.scalars), 'systems', 'accessControllers'];
  for (let i = 0; i < systems; i++) {
    const at = `systems.${i}`;
    keys.push(at, `${at}.redirectUris`, `${at}.dataItems`, ...['clientId', 'name', 'use', 'estimatedDailyTransactions', 'profile', 'idTokenAlg', 'publicClient'].map((f) => `${at}.${f}`));
    const uris = (rows.systems[i]?.redirectUris.length ?? 0) + blankUris(i);
    for (let j = 0; j < uris; j++) keys.push(`${at}.redirectUris.${j}`);
    for (const item of dataItems) keys.push(`${at}.reason.${item.scope}`);
  }
  for (let k = 0; k < controllers; k++) keys.push(`accessControllers.${k}.name`, `accessControllers.${k}.position`);
  return new Set(keys.map(fieldId));
}

/**
 * The form page's view of `rows`: blank rows to fill (one URI row per system, one access controller, one system
 * when there is none), one more where "add another" asked, and the problems placed at their fields.
 */
export function formView(rows: FormRows, options: { more: MoreRows; state: FormState | undefined; missing: MissingField[]; saved: ApplicationForm; editable: boolean }): FormView {
  const extra = (what: MoreRows) => (options.editable && options.more === what ? 1 : 0);
  const systemsShown = Math.min(rowLimits.systems, Math.max(rows.systems.length, 1) + extra('system'));
  const blankUris = (i: number) =>
    options.editable ? Math.max(0, Math.min(rowLimits.redirectUris - (rows.systems[i]?.redirectUris.length ?? 0), 1 + extra(`uri.${i}`))) : 0;
  const controllersShown = Math.min(rowLimits.accessControllers, rows.controllers.length + (options.editable ? 1 + extra('controller') : 0));
  const problems = problemsToShow(options.state, options.missing, options.saved, idsOf(rows, systemsShown, blankUris, controllersShown));

  const view = (key: string, value: string): FieldView => {
    const found = problems.byKey.get(key) ?? [];
    return { key, id: fieldId(key), value, problems: found, describedBy: found.length > 0 ? `${fieldId(key)}-problems` : '' };
  };
  const systems: SystemView[] = Array.from({ length: systemsShown }, (_, i) => {
    const system = rows.systems[i] ?? emptySystem();
    const at = `systems.${i}`;
    const blanks = blankUris(i);
    return {
      index: i,
      key: at,
      id: fieldId(at),
      problems: problems.byKey.get(at) ?? [],
      fields: {
        clientId: view(`${at}.clientId`, system.clientId),
        name: view(`${at}.name`, system.name),
        use: view(`${at}.use`, system.use),
        estimatedDailyTransactions: view(`${at}.estimatedDailyTransactions`, system.estimatedDailyTransactions),
        profile: view(`${at}.profile`, system.profile),
        idTokenAlg: view(`${at}.idTokenAlg`, system.idTokenAlg),
        publicClient: view(`${at}.publicClient`, system.publicClient ? 'yes' : ''),
      },
      publicClient: system.publicClient,
      uris: [
        ...system.redirectUris.map((uri, j) => ({ field: view(`${at}.redirectUris.${j}`, uri), index: j, saved: true })),
        ...Array.from({ length: blanks }, (_, b) => {
          const j = system.redirectUris.length + b;
          return { field: view(`${at}.redirectUris.${j}`, ''), index: j, saved: false };
        }),
      ],
      urisGroup: view(`${at}.redirectUris`, ''),
      items: dataItems.map((item) => ({
        scope: item.scope,
        th: item.th,
        en: item.en,
        asked: system.items[item.scope]?.asked ?? false,
        reason: view(`${at}.reason.${item.scope}`, system.items[item.scope]?.reason ?? ''),
      })),
      itemsGroup: view(`${at}.dataItems`, ''),
      canAddUri: options.editable && system.redirectUris.length + blanks < rowLimits.redirectUris,
    };
  });
  const controllers = Array.from({ length: controllersShown }, (_, k) => {
    const row = rows.controllers[k] ?? { name: '', position: '' };
    return { index: k, name: view(`accessControllers.${k}.name`, row.name), position: view(`accessControllers.${k}.position`, row.position), saved: k < rows.controllers.length };
  });
  return {
    field: (key: string) => view(key, rows.scalars[key as keyof FormRows['scalars']] ?? ''),
    systems,
    systemsGroup: view('systems', ''),
    controllers,
    controllersGroup: view('accessControllers', ''),
    canAddSystem: options.editable && systemsShown < rowLimits.systems,
    canAddController: options.editable && controllersShown < rowLimits.accessControllers,
    problems,
  };
}

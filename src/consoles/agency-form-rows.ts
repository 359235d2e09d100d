import type { ApplicationForm } from '../applications/form.ts';
import { claimScopes } from '../oidc/scopes.ts';

/*
 * The application form as the portal's page holds it: every field as the text typed, by position. A page is
 * rendered from these rows (read from a stored form), and a posted page is read back into them, then made into
 * the domain's form (candidateOf) for the schema to check. Field keys name each field the same way in both
 * directions: agency.nameTh, systems.0.redirectUris.1, systems.0.reason.pid, accessControllers.0.name ...
 */

/** Beyond these, a page offers no more rows (the schema allows no more). */
export const rowLimits = { systems: 10, redirectUris: 20, accessControllers: 20 } as const;

const scalarFields = [
  'agency.nameTh',
  'agency.nameEn',
  'agency.abbreviationTh',
  'agency.abbreviationEn',
  'agency.type',
  'agency.ministry',
  'agency.domain',
  'agency.address',
  'administrator.name',
  'administrator.nameEn',
  'administrator.position',
  'administrator.phone',
  'administrator.email',
  'contact.name',
  'contact.position',
  'contact.phone',
  'contact.email',
  'purpose',
  'startDate',
  'remarks',
  'conditionsVersion',
] as const;
export type ScalarField = (typeof scalarFields)[number];

const systemFields = ['clientId', 'name', 'use', 'estimatedDailyTransactions', 'profile', 'idTokenAlg'] as const;
export type SystemField = (typeof systemFields)[number];

export interface SystemRow extends Record<SystemField, string> {
  publicClient: boolean;
  redirectUris: string[];
  /** Data items by scope: whether it is ticked, and the reason typed. */
  items: Record<string, { asked: boolean; reason: string }>;
}

export interface ControllerRow {
  name: string;
  position: string;
}

export interface FormRows {
  scalars: Record<ScalarField, string>;
  systems: SystemRow[];
  controllers: ControllerRow[];
}

export const emptySystem = (): SystemRow => ({
  clientId: '',
  name: '',
  use: '',
  estimatedDailyTransactions: '',
  profile: '',
  idTokenAlg: '',
  publicClient: false,
  redirectUris: [],
  items: {},
});

const emptyScalars = (): Record<ScalarField, string> => Object.fromEntries(scalarFields.map((f) => [f, ''])) as Record<ScalarField, string>;

/** The value at a dotted path of a nested object, as text ('' when absent). */
function textAt(form: unknown, key: string): string {
  let value: unknown = form;
  for (const part of key.split('.')) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  return value === undefined || value === null ? '' : String(value);
}

/** The rows of a stored form. */
export function rowsOf(form: ApplicationForm): FormRows {
  const scalars = emptyScalars();
  for (const field of scalarFields) scalars[field] = textAt(form, field);
  return {
    scalars,
    systems: (form.systems ?? []).map((system) => ({
      clientId: system.clientId ?? '',
      name: system.name ?? '',
      use: system.use ?? '',
      estimatedDailyTransactions: system.estimatedDailyTransactions === undefined ? '' : String(system.estimatedDailyTransactions),
      profile: system.profile ?? '',
      idTokenAlg: system.idTokenAlg ?? '',
      publicClient: system.publicClient ?? false,
      redirectUris: [...(system.redirectUris ?? [])],
      items: Object.fromEntries((system.dataItems ?? []).map((item) => [item.scope, { asked: true, reason: item.reason ?? '' }])),
    })),
    controllers: (form.accessControllers ?? []).map((c) => ({ name: c.name, position: c.position })),
  };
}

const indexed = (form: URLSearchParams, pattern: RegExp): Map<number, string> => {
  const found = new Map<number, string>();
  for (const [name, value] of form) {
    const match = pattern.exec(name);
    if (match) found.set(Number(match[1]), value);
  }
  return found;
};

/** The values of rows 0, 1, ... as posted (a missing row is blank), at most `limit`. */
const inOrder = (found: Map<number, string>, limit: number): string[] => {
  const last = Math.min(Math.max(-1, ...found.keys()), limit - 1);
  return Array.from({ length: last + 1 }, (_, i) => found.get(i) ?? '');
};

/** The rows of a posted page, as typed (blank rows included; removed by compactRows). */
export function rowsFromPost(form: URLSearchParams): FormRows {
  const scalars = emptyScalars();
  for (const field of scalarFields) scalars[field] = form.get(field) ?? '';
  const systemIndexes = new Set<number>();
  for (const name of form.keys()) {
    const match = /^systems\.(\d{1,2})\./.exec(name);
    if (match && Number(match[1]) < rowLimits.systems) systemIndexes.add(Number(match[1]));
  }
  const systems = Array.from({ length: systemIndexes.size === 0 ? 0 : Math.max(...systemIndexes) + 1 }, (_, i) => {
    const at = `systems.${i}`;
    const system = emptySystem();
    for (const field of systemFields) system[field] = form.get(`${at}.${field}`) ?? '';
    system.publicClient = form.get(`${at}.publicClient`) === 'yes';
    system.redirectUris = inOrder(indexed(form, new RegExp(`^systems\\.${i}\\.redirectUris\\.(\\d{1,2})$`)), rowLimits.redirectUris);
    const asked = new Set(form.getAll(`${at}.dataItems`));
    for (const scope of claimScopes) {
      const reason = form.get(`${at}.reason.${scope}`) ?? '';
      if (asked.has(scope) || reason.trim() !== '') system.items[scope] = { asked: asked.has(scope), reason };
    }
    // A ticked item the page does not offer (a forged form) is kept, for the schema to refuse by name.
    for (const scope of asked) if (!claimScopes.includes(scope)) system.items[scope] = { asked: true, reason: '' };
    return system;
  });
  const names = inOrder(indexed(form, /^accessControllers\.(\d{1,2})\.name$/), rowLimits.accessControllers);
  const positions = inOrder(indexed(form, /^accessControllers\.(\d{1,2})\.position$/), rowLimits.accessControllers);
  const controllers = Array.from({ length: Math.max(names.length, positions.length) }, (_, i) => ({ name: names[i] ?? '', position: positions[i] ?? '' }));
  return { scalars, systems, controllers };
}

const blank = (text: string) => text.trim() === '';

function isBlankSystem(system: SystemRow): boolean {
  return (
    systemFields.every((field) => blank(system[field])) &&
    !system.publicClient &&
    system.redirectUris.every(blank) &&
    Object.values(system.items).every((item) => !item.asked && blank(item.reason))
  );
}

/** The rows without blank ones: an empty row on the page is not part of the form. */
export function compactRows(rows: FormRows): FormRows {
  return {
    scalars: rows.scalars,
    systems: rows.systems.filter((s) => !isBlankSystem(s)).map((s) => ({ ...s, redirectUris: s.redirectUris.filter((uri) => !blank(uri)) })),
    controllers: rows.controllers.filter((c) => !blank(c.name) || !blank(c.position)),
  };
}

/** The buttons of the form besides saving and submitting: add or remove a row, then come back to the page. */
export type RowAction =
  | { kind: 'save' }
  | { kind: 'submit' }
  | { kind: 'add'; what: 'system' | 'controller' | `uri.${number}` }
  | { kind: 'remove-system'; system: number }
  | { kind: 'remove-uri'; system: number; row: number }
  | { kind: 'remove-controller'; row: number };

export function rowActionOf(value: string | null): RowAction {
  const text = value ?? 'save';
  if (text === 'submit') return { kind: 'submit' };
  if (text === 'add-system') return { kind: 'add', what: 'system' };
  if (text === 'add-controller') return { kind: 'add', what: 'controller' };
  let m = /^add-uri\.(\d{1,2})$/.exec(text);
  if (m) return { kind: 'add', what: `uri.${Number(m[1])}` };
  m = /^remove-system\.(\d{1,2})$/.exec(text);
  if (m) return { kind: 'remove-system', system: Number(m[1]) };
  m = /^remove-uri\.(\d{1,2})\.(\d{1,2})$/.exec(text);
  if (m) return { kind: 'remove-uri', system: Number(m[1]), row: Number(m[2]) };
  m = /^remove-controller\.(\d{1,2})$/.exec(text);
  if (m) return { kind: 'remove-controller', row: Number(m[1]) };
  return { kind: 'save' };
}

/** The posted rows with the row a remove button names taken out (before blank rows are dropped, as the page numbered them). */
export function withoutRemovedRow(rows: FormRows, action: RowAction): FormRows {
  switch (action.kind) {
    case 'remove-system':
      return { ...rows, systems: rows.systems.filter((_, i) => i !== action.system) };
    case 'remove-uri':
      return {
        ...rows,
        systems: rows.systems.map((s, i) => (i === action.system ? { ...s, redirectUris: s.redirectUris.filter((_, j) => j !== action.row) } : s)),
      };
    case 'remove-controller':
      return { ...rows, controllers: rows.controllers.filter((_, i) => i !== action.row) };
    default:
      return rows;
  }
}

/** Where each element of the candidate's arrays came from in the rows, to name a problem's field. */
export interface CandidatePositions {
  /** For each system, the row index of each redirect URI the candidate has. */
  redirectUris: number[][];
  /** For each system, the scope of each data item the candidate has. */
  dataItems: string[][];
  /** The row index of each access controller the candidate has. */
  controllers: number[];
}

const textOrAbsent = (text: string): string | undefined => (blank(text) ? undefined : text);

/** A number typed as digits (spaces and thousands separators allowed); anything else stays text, for the schema to refuse. */
const numberOrText = (text: string): number | string | undefined => {
  if (blank(text)) return undefined;
  const digits = text.replace(/[\s,]/g, '');
  return /^\d{1,15}$/.test(digits) ? Number(digits) : text;
};

function nested(scalars: Record<ScalarField, string>, excluded: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of scalarFields) {
    if (excluded.has(field)) continue;
    const value = field === 'conditionsVersion' ? numberOrText(scalars[field]) : textOrAbsent(scalars[field]);
    if (value === undefined) continue;
    const [head, tail] = field.split('.') as [string, string | undefined];
    if (tail === undefined) out[head] = value;
    else out[head] = { ...((out[head] as Record<string, unknown> | undefined) ?? {}), [tail]: value };
  }
  return out;
}

/**
 * The form the schema checks, from compacted rows, leaving out the fields and rows in `excluded` (field keys
 * found not valid), with where each array element came from.
 */
export function candidateOf(
  rows: FormRows,
  fixed: { kind: 'new' | 'change'; agencyId: string | undefined },
  excluded: ReadonlySet<string>,
): { candidate: Record<string, unknown>; positions: CandidatePositions } {
  const positions: CandidatePositions = { redirectUris: [], dataItems: [], controllers: [] };
  const systems = rows.systems.map((system, i) => {
    const at = `systems.${i}`;
    const out: Record<string, unknown> = {};
    for (const field of systemFields) {
      if (excluded.has(`${at}.${field}`) || blank(system[field])) continue;
      out[field] = field === 'estimatedDailyTransactions' ? numberOrText(system[field]) : system[field];
    }
    if (system.publicClient && !excluded.has(`${at}.publicClient`)) out.publicClient = true;
    const uriRows = system.redirectUris.flatMap((uri, j) => (excluded.has(`${at}.redirectUris.${j}`) ? [] : [j]));
    positions.redirectUris.push(uriRows);
    if (uriRows.length > 0) out.redirectUris = uriRows.map((j) => system.redirectUris[j]!.trim());
    const scopes = Object.keys(system.items).filter((scope) => system.items[scope]!.asked && !excluded.has(`${at}.dataItems.${scope}`));
    // In the order the page lists them, so a form reads the same however it was ticked.
    scopes.sort((a, b) => order(a) - order(b));
    positions.dataItems.push(scopes);
    if (scopes.length > 0) {
      out.dataItems = scopes.map((scope) => {
        const reason = excluded.has(`${at}.reason.${scope}`) ? undefined : textOrAbsent(system.items[scope]!.reason);
        return reason === undefined ? { scope } : { scope, reason };
      });
    }
    return out;
  });
  const controllerRows = rows.controllers.flatMap((_, k) => (excluded.has(`accessControllers.${k}`) ? [] : [k]));
  positions.controllers = controllerRows;
  const candidate: Record<string, unknown> = {
    kind: fixed.kind,
    ...(fixed.agencyId === undefined ? {} : { agencyId: fixed.agencyId }),
    ...nested(rows.scalars, excluded),
    ...(systems.length > 0 ? { systems } : {}),
    ...(controllerRows.length > 0 ? { accessControllers: controllerRows.map((k) => ({ name: rows.controllers[k]!.name, position: rows.controllers[k]!.position })) } : {}),
  };
  return { candidate, positions };
}

const order = (scope: string) => {
  const at = claimScopes.indexOf(scope);
  return at === -1 ? claimScopes.length : at;
};

import { applicationForm, type ApplicationForm } from '../applications/form.ts';
import { candidateOf, compactRows, type FormRows } from './agency-form-rows.ts';

/*
 * Checks a posted application form at the page's edge with the domain's schema. A draft may be incomplete but
 * what it holds must be valid, so the fields the schema refuses are left out of what is saved, and kept aside
 * with their problems: the page shows them again as typed, next to what is wrong with them. The rest is saved.
 */

/** A problem with one field, by its key on the page; the message is the schema's (English; the page adds the Thai). */
export interface FieldProblem {
  key: string;
  en: string;
}

export interface CheckedForm {
  /** What can be saved: the valid part of the form. */
  form: ApplicationForm;
  problems: FieldProblem[];
  /** The text typed in each field left out, by key. */
  kept: Record<string, string>;
  /** Rows left out (a redirect URI, an access controller), by key, to show again in their place. */
  removedRows: string[];
}

/** A form the page cannot have sent (a forged one); refused as a whole. */
export class UnusableForm extends Error {
  readonly issues: string[];
  constructor(issues: string[]) {
    super(`The form cannot be read: ${issues.join('; ')}`);
    this.issues = issues;
  }
}

const reasonWithoutItem = 'has a reason, but its data item is not ticked: tick the item, or clear the reason';

/** Where an issue of the candidate lies on the page: its field's key, and what to leave out for the form to pass. */
function locate(path: readonly PropertyKey[], positions: ReturnType<typeof candidateOf>['positions']): { key: string; exclude: string } | undefined {
  const [head, a, b, c, d] = path;
  if (head === 'systems' && typeof a === 'number') {
    const at = `systems.${a}`;
    if (b === 'redirectUris' && typeof c === 'number') {
      const row = positions.redirectUris[a]?.[c];
      return row === undefined ? undefined : { key: `${at}.redirectUris.${row}`, exclude: `${at}.redirectUris.${row}` };
    }
    if (b === 'dataItems' && typeof c === 'number') {
      const scope = positions.dataItems[a]?.[c];
      if (scope === undefined) return undefined;
      return d === 'reason' ? { key: `${at}.reason.${scope}`, exclude: `${at}.reason.${scope}` } : { key: `${at}.dataItems`, exclude: `${at}.dataItems.${scope}` };
    }
    if (typeof b === 'string' && b !== 'redirectUris' && b !== 'dataItems' && c === undefined) return { key: `${at}.${b}`, exclude: `${at}.${b}` };
    return undefined;
  }
  if (head === 'accessControllers' && typeof a === 'number') {
    const row = positions.controllers[a];
    return row === undefined ? undefined : { key: `accessControllers.${row}.${typeof b === 'string' ? b : 'name'}`, exclude: `accessControllers.${row}` };
  }
  if ((head === 'agency' || head === 'administrator' || head === 'contact') && typeof a === 'string' && b === undefined) return { key: `${head}.${a}`, exclude: `${head}.${a}` };
  if (typeof head === 'string' && ['purpose', 'startDate', 'remarks', 'conditionsVersion'].includes(head) && a === undefined) return { key: head, exclude: head };
  return undefined;
}

/** The text typed in a field or row left out, by the keys the page shows it under. */
function typedValues(rows: FormRows, exclude: string): Record<string, string> {
  const parts = exclude.split('.');
  if (parts[0] === 'systems') {
    const system = rows.systems[Number(parts[1])]!;
    if (parts[2] === 'redirectUris') return { [exclude]: system.redirectUris[Number(parts[3])] ?? '' };
    if (parts[2] === 'reason') return { [exclude]: system.items[parts[3]!]?.reason ?? '' };
    if (parts[2] === 'dataItems') return {};
    if (parts[2] === 'publicClient') return {};
    return { [exclude]: String(system[parts[2] as keyof typeof system] ?? '') };
  }
  if (parts[0] === 'accessControllers') {
    const row = rows.controllers[Number(parts[1])]!;
    return { [`${exclude}.name`]: row.name, [`${exclude}.position`]: row.position };
  }
  return { [exclude]: rows.scalars[exclude as keyof FormRows['scalars']] ?? '' };
}

/**
 * Checks posted rows (blank rows are dropped first) against the draft schema, leaving out each field the schema
 * refuses, until what remains passes. A problem the page could not have caused throws UnusableForm. `refused` are
 * fields already refused by a check the schema cannot make (one that reads the database), left out the same way.
 */
export function checkForm(
  posted: FormRows,
  fixed: { kind: 'new' | 'change'; agencyId: string | undefined },
  refused: readonly FieldProblem[] = [],
): CheckedForm & { rows: FormRows } {
  const rows = compactRows(posted);
  const excluded = new Set(refused.map((p) => p.key));
  const problems: FieldProblem[] = [...refused];
  rows.systems.forEach((system, i) => {
    for (const [scope, item] of Object.entries(system.items)) {
      if (!item.asked && item.reason.trim() !== '') {
        problems.push({ key: `systems.${i}.reason.${scope}`, en: reasonWithoutItem });
        excluded.add(`systems.${i}.reason.${scope}`);
      }
    }
  });
  for (let round = 0; round < 8; round++) {
    const { candidate, positions } = candidateOf(rows, fixed, excluded);
    const parsed = applicationForm.safeParse(candidate);
    if (parsed.success) {
      const kept: Record<string, string> = {};
      for (const key of excluded) Object.assign(kept, typedValues(rows, key));
      const removedRows = [...excluded].filter((key) => /^systems\.\d+\.redirectUris\.\d+$|^accessControllers\.\d+$/.test(key));
      return { form: parsed.data, problems, kept, removedRows, rows };
    }
    const unusable: string[] = [];
    for (const issue of parsed.error.issues) {
      const place = locate(issue.path, positions);
      if (!place) {
        unusable.push(`${issue.path.join('.') || 'form'}: ${issue.message}`);
        continue;
      }
      if (!problems.some((p) => p.key === place.key && p.en === issue.message)) problems.push({ key: place.key, en: issue.message });
      excluded.add(place.exclude);
    }
    if (unusable.length > 0) throw new UnusableForm(unusable);
  }
  throw new UnusableForm(['it does not pass the checks however much of it is left out']);
}

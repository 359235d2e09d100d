import { firstPartyClientIds } from '../agencies/first-party-systems.ts';

export type ConsoleName = 'staff' | 'agency';

/** One of the two sites that sign people in with ThaID: where it lives, its client, and its name on pages. */
export interface ConsoleDefinition {
  name: ConsoleName;
  /** Its pages, and its cookies' path. */
  basePath: `/${ConsoleName}`;
  clientId: string;
  titleTh: string;
  titleEn: string;
}

export const consoles: Record<ConsoleName, ConsoleDefinition> = {
  staff: {
    name: 'staff',
    basePath: '/staff',
    clientId: firstPartyClientIds.staff,
    titleTh: 'คอนโซลเจ้าหน้าที่ กรมการปกครอง',
    titleEn: 'DOPA staff console',
  },
  agency: {
    name: 'agency',
    basePath: '/agency',
    clientId: firstPartyClientIds.agency,
    titleTh: 'พอร์ทัลหน่วยงาน',
    titleEn: 'Agency portal',
  },
};

/** The address the provider sends a console's sign-ins back to; the first-party system is registered with it. */
export const callbackUrl = (issuer: string, site: ConsoleDefinition) => `${issuer}${site.basePath}/callback`;

import type { Citizen } from '../registry/citizen.ts';
import { formatAddressTh } from '../registry/addresses.ts';
import { v1DataItems } from './scopes.ts';

/** The address claim: OpenID Connect's standard members plus the parts of a Thai house-registration address. */
interface AddressClaim {
  formatted: string;
  street_address: string;
  locality: string;
  region: string;
  postal_code: string;
  country: string;
  house_number: string;
  village_number?: string;
  alley?: string;
  road?: string;
  subdistrict: string;
  district: string;
  province: string;
}

const joinNames = (...parts: (string | null)[]) => parts.filter(Boolean).join(' ');

function addressClaim(citizen: Citizen): AddressClaim {
  const a = citizen.address;
  const bangkok = a.province === 'กรุงเทพมหานคร';
  const street = [
    a.houseNumber,
    a.villageNumber && `หมู่ที่ ${a.villageNumber}`,
    a.alley && `ซอย${a.alley}`,
    a.road && `ถนน${a.road}`,
  ].filter(Boolean);
  return {
    formatted: formatAddressTh(a),
    street_address: street.join(' '),
    locality: `${bangkok ? 'แขวง' : 'ตำบล'}${a.subdistrict} ${bangkok ? 'เขต' : 'อำเภอ'}${a.district}`,
    region: a.province,
    postal_code: a.postalCode,
    country: 'TH',
    house_number: a.houseNumber,
    ...(a.villageNumber ? { village_number: a.villageNumber } : {}),
    ...(a.alley ? { alley: a.alley } : {}),
    ...(a.road ? { road: a.road } : {}),
    subdistrict: a.subdistrict,
    district: a.district,
    province: a.province,
  };
}

/** A Gregorian YYYY-MM-DD date as the v1 API's `dob`: Buddhist-era year, no separators (1988-05-14 → 25310514). */
function buddhistEraDate(isoDate: string): string {
  const [year, month, day] = isoDate.split('-');
  return `${Number(year) + 543}${month}${day}`;
}

/** The API whose names and formats a response uses: the path the relying party called (README, "The v1 API"). */
export type ApiVersion = 'v1' | 'v2';

/**
 * Every claim the registry can release about a citizen, keyed by claim name, under both APIs' names. Which of
 * them a relying party receives is decided by the scopes granted, never here. Absent values (no middle name) are
 * left out. The only name both APIs share with different formats is `address`: one line of text in v1.
 */
export function citizenClaims(citizen: Citizen, api: ApiVersion = 'v2'): Record<string, unknown> {
  const claims: Record<string, unknown> = {
    pid: citizen.pid,
    title: citizen.titleTh,
    title_en: citizen.titleEn,
    given_name: citizen.givenNameTh,
    middle_name: citizen.middleNameTh ?? undefined,
    family_name: citizen.familyNameTh,
    given_name_en: citizen.givenNameEn,
    middle_name_en: citizen.middleNameEn ?? undefined,
    family_name_en: citizen.familyNameEn,
    name: joinNames(citizen.givenNameTh, citizen.middleNameTh, citizen.familyNameTh),
    name_en: joinNames(citizen.givenNameEn, citizen.middleNameEn, citizen.familyNameEn),
    birthdate: citizen.birthdate,
    gender: citizen.sex,
    address: api === 'v1' ? formatAddressTh(citizen.address) : addressClaim(citizen),
    smartcard_code: citizen.laserCode,
    date_of_issuance: citizen.cardIssuedOn,
    date_of_expiry: citizen.cardExpiresOn,
    ial: citizen.ial,
    th_fullname: joinNames(citizen.titleTh, citizen.givenNameTh, citizen.middleNameTh, citizen.familyNameTh),
    en_fullname: joinNames(citizen.titleEn, citizen.givenNameEn, citizen.middleNameEn, citizen.familyNameEn),
    dob: buddhistEraDate(citizen.birthdate),
    sex: citizen.sex === 'male' ? 'ชาย' : 'หญิง',
  };
  for (const item of v1DataItems) if (item.renames) claims[item.scope] = claims[item.renames];
  return Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));
}

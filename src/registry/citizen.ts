/** A person in the synthetic civil registry. Dates are ISO 8601 calendar dates (YYYY-MM-DD, Gregorian). */
export type Sex = 'male' | 'female';

/** A registered (house-registration) address, in Thai as printed on the ID card. */
export interface RegisteredAddress {
  houseNumber: string;
  /** หมู่ที่ — village number, used outside municipal areas. */
  villageNumber: string | null;
  /** ซอย */
  alley: string | null;
  /** ถนน */
  road: string | null;
  /** ตำบล / แขวง */
  subdistrict: string;
  /** อำเภอ / เขต */
  district: string;
  /** จังหวัด (กรุงเทพมหานคร for Bangkok) */
  province: string;
  postalCode: string;
}

export interface Citizen {
  /** 13-digit citizen identification number; the last digit is the mod-11 check digit. */
  pid: string;
  titleTh: string;
  titleEn: string;
  givenNameTh: string;
  middleNameTh: string | null;
  familyNameTh: string;
  givenNameEn: string;
  middleNameEn: string | null;
  familyNameEn: string;
  birthdate: string;
  sex: Sex;
  address: RegisteredAddress;
  /** Laser code on the back of the ID card: two letters and ten digits, stored without dashes (e.g. JT0123456789). */
  laserCode: string;
  cardIssuedOn: string;
  cardExpiresOn: string;
  /** Identity assurance level of the registry record (for example 2.3). */
  ial: number;
}

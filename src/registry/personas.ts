/** Hand-written demo people with stable pids, so documentation and manual testing can name them. */
import type { Citizen } from './citizen.ts';
import { pidCheckDigit } from './pid.ts';

/** Only the first 12 digits are written by hand; the check digit is always computed. */
function withCheckDigit(first12: string): string {
  return first12 + String(pidCheckDigit(first12));
}

const somchai: Citizen = {
  pid: withCheckDigit('110300012345'),
  titleTh: 'นาย',
  titleEn: 'Mr.',
  givenNameTh: 'สมชาย',
  middleNameTh: null,
  familyNameTh: 'ใจดี',
  givenNameEn: 'Somchai',
  middleNameEn: null,
  familyNameEn: 'Jaidee',
  birthdate: '1988-05-14',
  sex: 'male',
  address: {
    houseNumber: '123/45',
    villageNumber: null,
    alley: null,
    road: 'พหลโยธิน',
    subdistrict: 'ลาดยาว',
    district: 'จตุจักร',
    province: 'กรุงเทพมหานคร',
    postalCode: '10900',
  },
  laserCode: 'JC1234567890',
  cardIssuedOn: '2021-06-01',
  cardExpiresOn: '2030-05-14',
  ial: 2.3,
};

const mali: Citizen = {
  pid: withCheckDigit('350010045678'),
  titleTh: 'นาง',
  titleEn: 'Mrs.',
  givenNameTh: 'มาลี',
  middleNameTh: null,
  familyNameTh: 'แสงทอง',
  givenNameEn: 'Mali',
  middleNameEn: null,
  familyNameEn: 'Saengthong',
  birthdate: '1979-11-02',
  sex: 'female',
  address: {
    houseNumber: '210',
    villageNumber: '2',
    alley: 'วัดอุโมงค์',
    road: 'สุเทพ',
    subdistrict: 'สุเทพ',
    district: 'เมืองเชียงใหม่',
    province: 'เชียงใหม่',
    postalCode: '50200',
  },
  laserCode: 'CM2093817465',
  cardIssuedOn: '2020-01-15',
  cardExpiresOn: '2028-11-02',
  ial: 2.3,
};

const natthida: Citizen = {
  pid: withCheckDigit('140010078901'),
  titleTh: 'นางสาว',
  titleEn: 'Miss',
  givenNameTh: 'ณัฐธิดา',
  middleNameTh: null,
  familyNameTh: 'ศรีสุข',
  givenNameEn: 'Natthida',
  middleNameEn: null,
  familyNameEn: 'Srisuk',
  birthdate: '2003-03-21',
  sex: 'female',
  address: {
    houseNumber: '59',
    villageNumber: '7',
    alley: null,
    road: 'มิตรภาพ',
    subdistrict: 'ศิลา',
    district: 'เมืองขอนแก่น',
    province: 'ขอนแก่น',
    postalCode: '40000',
  },
  laserCode: 'KK3307145298',
  cardIssuedOn: '2023-07-03',
  cardExpiresOn: '2032-03-21',
  ial: 2.3,
};

const bunmi: Citizen = {
  pid: withCheckDigit('390010023456'),
  titleTh: 'นาย',
  titleEn: 'Mr.',
  givenNameTh: 'บุญมี',
  middleNameTh: null,
  familyNameTh: 'ทองคำ',
  givenNameEn: 'Bunmi',
  middleNameEn: null,
  familyNameEn: 'Thongkham',
  birthdate: '1946-08-09',
  sex: 'male',
  address: {
    houseNumber: '7',
    villageNumber: null,
    alley: null,
    road: 'นครใน',
    subdistrict: 'บ่อยาง',
    district: 'เมืองสงขลา',
    province: 'สงขลา',
    postalCode: '90000',
  },
  laserCode: 'SK4172630954',
  // Issued at 73, so the card is lifelong.
  cardIssuedOn: '2019-10-10',
  cardExpiresOn: '9999-12-31',
  ial: 2.3,
};

/** The first persona is the default one for a first login. */
export const demoPersonas: Citizen[] = [somchai, mali, natthida, bunmi];

export const personaNotes: Record<string, string> = {
  [somchai.pid]: 'adult man, Bangkok; the default persona for a first login',
  [mali.pid]: 'adult woman (Mrs.), Chiang Mai; address with village number, soi and road',
  [natthida.pid]: 'young woman (Miss), Khon Kaen; born after 1984, so the pid starts with 1',
  [bunmi.pid]: 'elderly man, Songkhla; card issued at 73, so it is lifelong (expires 9999-12-31)',
};

import type { App, Screen } from '../app-state.ts';
import { formatPid } from '../../../registry/pid.ts';
import type { Citizen, DeviceRecord } from '../api-types.ts';
import { h } from '../dom.ts';
import { calendarDate, w } from '../i18n.ts';

/** JC1-2345678-90, as the back of the card prints it. */
const formattedLaserCode = (code: string) => code.replace(/^([A-Z]{2}\d)(\d{7})(\d{2})$/, '$1-$2-$3');

const nameTh = (c: Citizen) => [`${c.titleTh}${c.givenNameTh}`, c.middleNameTh, c.familyNameTh].filter(Boolean).join(' ');
const nameEn = (c: Citizen) => [c.titleEn, c.givenNameEn, c.middleNameEn, c.familyNameEn].filter(Boolean).join(' ');

function addressOf(c: Citizen): string {
  const a = c.address;
  return [a.houseNumber, a.villageNumber && `หมู่ที่ ${a.villageNumber}`, a.alley && `ซ.${a.alley}`, a.road && `ถ.${a.road}`, a.subdistrict, a.district, a.province, a.postalCode]
    .filter(Boolean)
    .join(' ');
}

/** `lang`: the language of the row, where the card prints it in one language whatever the app's. */
const row = (label: string, value: string, className = '', lang?: string) =>
  h('div', { class: `card-row ${className}`, lang }, h('span', { class: 'card-label' }, label), h('span', { class: 'card-value' }, value));

/** The digital ID card, front and back, drawn from the registry's record of this phone's citizen. */
export async function cardScreen(app: App): Promise<Screen> {
  // Opened offline, the app has not read the record yet: it reads it now (an error here is the screen's message).
  app.me ??= await app.call<DeviceRecord>('GET', '/me');
  const citizen = app.me.citizen;
  if (!citizen) return { title: w('บัตรประชาชน', 'ID card'), body: h('p', {}, w('ไม่มีข้อมูลบัตร', 'No card data.')) };
  const front = h(
    'section',
    { class: 'id-card front', 'aria-label': w('ด้านหน้าบัตร', 'Front of the card') },
    h('p', { class: 'card-title' }, 'บัตรประจำตัวประชาชน · ', h('span', { lang: 'en' }, 'Thai National ID Card')),
    row(w('เลขประจำตัวประชาชน', 'Identification number'), formatPid(citizen.pid, ' '), 'pid'),
    h('div', { class: 'card-body' },
      h('div', { class: 'card-names' },
        row('ชื่อตัวและชื่อสกุล', nameTh(citizen), 'name-th', 'th'),
        row('Name', nameEn(citizen), 'name-en', 'en'),
        row(w('เกิดวันที่', 'Date of birth'), calendarDate(citizen.birthdate)),
      ),
      h('img', { class: 'photo', src: '/app/photo-placeholder.svg', alt: w('รูปถ่าย (ภาพแทน)', 'Photo (placeholder)'), width: 72, height: 90 }),
    ),
    row(w('วันออกบัตร', 'Date of issue'), calendarDate(citizen.cardIssuedOn)),
    row(w('วันบัตรหมดอายุ', 'Date of expiry'), calendarDate(citizen.cardExpiresOn)),
  );
  const back = h(
    'section',
    { class: 'id-card back', hidden: true, 'aria-label': w('ด้านหลังบัตร', 'Back of the card') },
    row(w('ที่อยู่', 'Address'), addressOf(citizen)),
    row(w('เลขหลังบัตร (Laser code)', 'Laser code'), formattedLaserCode(citizen.laserCode), 'laser-code'),
  );
  const flip = h('button', { type: 'button' }, w('ดูด้านหลัง', 'Show the back')) as HTMLButtonElement;
  flip.addEventListener('click', () => {
    back.hidden = !back.hidden;
    front.hidden = !back.hidden;
    flip.textContent = back.hidden ? w('ดูด้านหลัง', 'Show the back') : w('ดูด้านหน้า', 'Show the front');
  });
  return { title: w('บัตรประชาชนดิจิทัล', 'Digital ID card'), body: h('div', {}, front, back, flip) };
}

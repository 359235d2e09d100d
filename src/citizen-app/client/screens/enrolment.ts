import type { App, Screen } from '../app-state.ts';
import type { DeviceRecord } from '../api-types.ts';
import { ApiError, call } from '../device-api.ts';
import { newDeviceKey, saveDevice } from '../device-key.ts';
import { h, messageBox, type Words } from '../dom.ts';
import { errorText } from '../errors.ts';
import { clearFlags, field, flagField, pinInput, textInput as input } from '../form-fields.ts';
import { w } from '../i18n.ts';
import { isValidPid } from '../../../registry/pid.ts';
import { scanCode } from './scan.ts';

interface DemoPersona {
  pid: string;
  laserCode: string;
  birthdate: string;
  th: string;
  en: string;
}

/** The demo personas the server lists in the page, to fill the card fields with one tap. */
function demoPersonas(): DemoPersona[] {
  try {
    return JSON.parse(document.getElementById('demo-personas')?.textContent ?? '[]') as DemoPersona[];
  } catch {
    return [];
  }
}

const pinRules = (): string[] => [
  w('ตัวเลข 8 หลัก', 'exactly 8 digits'),
  w('ไม่ใช่เลขเดียวซ้ำ หรือเลขเรียง เช่น 11111111, 12345678, 87654321', 'not one digit repeated or a run: 11111111, 12345678, 87654321'),
  w('ไม่เป็นรูปแบบ เช่น 12121212, 12341234, 11223344, 12344321 หรือเส้นบนแป้นตัวเลข', 'no pattern: 12121212, 12341234, 11223344, 12344321 or a path along the keypad'),
  w('ไม่ใช่วันที่ใด ๆ (วันเกิดของคุณหรือของใคร ทั้ง ค.ศ. และ พ.ศ.)', 'not a date (your birthday or anyone’s, Gregorian or Buddhist-era year)'),
  w('ไม่ใช่ตัวเลข 8 หลักติดกันในเลขประจำตัวประชาชน และไม่ใช่ PIN ที่คนนิยมใช้', 'not 8 digits in a row of your citizen ID, nor a PIN people often choose'),
];

/** Enrol this phone: self-service with the ID card and the (sandbox) camera, or with a registration-office code. */
export function enrolScreen(app: App): Screen {
  const message = messageBox('enrol-message');
  // As the card prints it too, 1 1030 00123 45 5: 13 digits and 4 separators.
  const pid = input('pid', { inputmode: 'numeric', maxlength: '17', 'aria-describedby': 'pid-hint' });
  const laserCode = input('laser-code', { maxlength: '14', autocapitalize: 'characters', 'aria-describedby': 'laser-code-hint' });
  const birthdate = input('birthdate', { type: 'date' });
  const officeCode = input('office-code', { autocapitalize: 'characters', 'aria-describedby': 'office-code-hint' });
  const name = input('device-name', { value: w('โทรศัพท์ของฉัน', 'My phone'), maxlength: '100' });
  const pin = pinInput('new-pin', { 'aria-describedby': 'pin-rules' });
  const confirmPin = pinInput('confirm-pin');
  const rooted = input('rooted', { type: 'checkbox' });
  const faceFail = input('face-fail', { type: 'radio', name: 'face', value: 'fail' });
  const facePass = input('face-pass', { type: 'radio', name: 'face', value: 'pass', checked: true });

  const selfFields = h(
    'fieldset',
    { class: 'self-fields' },
    h('legend', {}, w('ข้อมูลบนบัตรประชาชน', 'Your ID card')),
    field(w('เลขประจำตัวประชาชน', 'Citizen ID'), pid, w('13 หลัก', '13 digits')),
    field(w('เลขหลังบัตร (Laser code)', 'Laser code (back of the card)'), laserCode, w('เช่น JC1-2345678-90', 'such as JC1-2345678-90')),
    field(w('วันเกิด', 'Date of birth'), birthdate),
    h(
      'fieldset',
      { class: 'testing' },
      h('legend', {}, w('กล้องจำลอง (สำหรับทดสอบ)', 'Sandbox camera (testing)')),
      h('p', { class: 'hint' }, w('ตรวจใบหน้าเทียบกับทะเบียนราษฎร ใช้ได้กับบุคคลตัวอย่างเท่านั้น', 'The face is matched with the civil registry’s photo; the sandbox camera films the demo personas only.')),
      h('label', { class: 'choice' }, facePass, w('ใบหน้าของเจ้าของบัตร', 'The card holder’s face')),
      h('label', { class: 'choice' }, faceFail, w('ใบหน้าของคนอื่น', 'Someone else’s face')),
    ),
  );
  const personas = demoPersonas();
  const personaButtons = personas.length
    ? h(
        'div',
        { class: 'personas' },
        h('p', { class: 'hint' }, w('กรอกด้วยบุคคลตัวอย่าง:', 'Fill in a demo persona:')),
        personas.map((persona) =>
          h(
            'button',
            {
              type: 'button',
              class: 'small',
              onclick: () => {
                pid.value = persona.pid;
                laserCode.value = persona.laserCode;
                birthdate.value = persona.birthdate;
              },
            },
            w(persona.th, persona.en),
          ),
        ),
      )
    : false;
  const officeFields = h(
    'fieldset',
    { class: 'office-fields', hidden: true },
    h('legend', {}, w('ลงทะเบียนที่สำนักทะเบียน', 'At a registration office')),
    field(w('รหัสจากเจ้าหน้าที่', 'Code from the officer'), officeCode, w('รหัสใช้ครั้งเดียว อายุ 30 นาที', 'a one-time code, valid 30 minutes')),
  );

  const methodSelf = input('method-self', { type: 'radio', name: 'method', value: 'self', checked: true });
  const methodOffice = input('method-office', { type: 'radio', name: 'method', value: 'office' });
  const switchMethod = () => {
    selfFields.hidden = !methodSelf.checked;
    if (personaButtons) personaButtons.hidden = !methodSelf.checked;
    officeFields.hidden = !methodOffice.checked;
  };
  methodSelf.addEventListener('change', switchMethod);
  methodOffice.addEventListener('change', switchMethod);

  const submit = h('button', { type: 'submit', class: 'primary' }, w('ลงทะเบียน', 'Enrol')) as HTMLButtonElement;
  const form = h(
    'form',
    { novalidate: true },
    h(
      'fieldset',
      { class: 'method' },
      h('legend', {}, w('วิธียืนยันตัวตน', 'How to prove who you are')),
      h('label', { class: 'choice' }, methodSelf, w('ด้วยตนเอง (บัตรประชาชนและใบหน้า)', 'Self-service (ID card and face)')),
      h('label', { class: 'choice' }, methodOffice, w('รหัสจากสำนักทะเบียน', 'Registration-office code')),
    ),
    personaButtons,
    selfFields,
    officeFields,
    field(w('ชื่อโทรศัพท์', 'Name of this phone'), name),
    h('div', { id: 'pin-rules', class: 'rules' }, h('p', {}, w('ตั้ง PIN ที่เดายาก:', 'Choose a PIN that is hard to guess:')), h('ul', {}, pinRules().map((rule) => h('li', {}, rule)))),
    field(w('PIN ใหม่', 'New PIN'), pin),
    field(w('ยืนยัน PIN', 'Confirm the PIN'), confirmPin),
    h(
      'div',
      { class: 'testing' },
      h('label', { class: 'choice' }, rooted, w('ทดสอบ: จำลองโทรศัพท์ที่ถูก root', 'Testing: present this phone as rooted')),
    ),
    message.element,
    submit,
  );

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    message.clear();
    clearFlags(form, message.element);
    const wrongField = methodSelf.checked ? wrongCardField() : !officeCode.value.trim() && ([officeCode, w('ใส่รหัสจากเจ้าหน้าที่', 'Enter the code the officer gave you.')] as const);
    if (wrongField) return refuse(...wrongField);
    if (!/^\d{8}$/.test(pin.value)) return refuse(pin, w('PIN ต้องเป็นตัวเลข 8 หลัก', 'The PIN must be exactly 8 digits.'));
    if (pin.value !== confirmPin.value) return refuse(confirmPin, w('PIN ทั้งสองช่องไม่ตรงกัน', 'The two PINs differ.'));
    submit.disabled = true;
    void enrol().finally(() => {
      submit.disabled = false;
    });
  });

  /**
   * The card field that cannot be right, with what it must be, before anything is sent: the device API's refusal
   * would be in English and name no field.
   */
  function wrongCardField(): readonly [HTMLInputElement, string] | undefined {
    const digits = pid.value.replace(/[\s-]/g, '');
    if (!/^\d{13}$/.test(digits)) return [pid, w('เลขประจำตัวประชาชนมี 13 หลัก', 'The citizen ID has 13 digits.')];
    if (!isValidPid(digits)) return [pid, w('เลขประจำตัวประชาชนนี้ไม่ถูกต้อง ตรวจกับบัตรอีกครั้ง', 'This is not a valid citizen ID: check it against the card.')];
    // The device API's pattern for it.
    if (!/^[A-Za-z]{2}\d-?\d{7}-?\d{2}$/.test(laserCodeOf())) {
      return [laserCode, w('เลขหลังบัตรมีตัวอักษร 2 ตัวและตัวเลข 10 หลัก เช่น JC1-2345678-90', 'The laser code is 2 letters and 10 digits, such as JC1-2345678-90.')];
    }
    if (!birthdate.value) return [birthdate, w('ใส่วันเกิดตามบัตร', 'Enter the date of birth on the card.')];
    // The card prints the Buddhist-era year (พ.ศ.), 543 ahead; the registry would refuse it as a failed attempt.
    const year = Number(birthdate.value.slice(0, 4));
    if (year > new Date().getFullYear()) {
      return [
        birthdate,
        year - 543 <= new Date().getFullYear()
          ? w(`ช่องนี้ใช้ปี ค.ศ.: ปี พ.ศ. ${year} คือ ค.ศ. ${year - 543}`, `This field takes the Gregorian year: ${year} of the Buddhist era (on the card) is ${year - 543}.`)
          : w('วันเกิดต้องไม่เป็นวันในอนาคต', 'The date of birth cannot be in the future.'),
      ];
    }
    return undefined;
  }
  const laserCodeOf = () => laserCode.value.replace(/\s/g, '').toUpperCase();

  /** The message, tied to the field it is about. */
  function refuse(field: HTMLElement, text: Words) {
    message.show(text);
    flagField(form, field, message.element);
  }

  async function enrol() {
    try {
      const device = await newDeviceKey(name.value.trim() || 'ThaID');
      let proof: Record<string, string>;
      if (methodSelf.checked) {
        const pidValue = pid.value.replace(/[\s-]/g, '');
        message.show(w('กำลังตรวจใบหน้า…', 'Checking the face…'), 'info');
        const { faceSample } = await call<{ faceSample: string }>(device, 'POST', '/sandbox-camera', { pid: pidValue, face: faceFail.checked ? 'fail' : 'pass' });
        proof = { method: 'self', pid: pidValue, laserCode: laserCodeOf(), birthdate: birthdate.value, faceSample };
      } else {
        proof = { method: 'office', enrolmentCode: officeCode.value.trim() };
      }
      const enrolment = await call<{ deviceId: string; pid: string }>(device, 'POST', '/enrolments', {
        name: device.name,
        pin: pin.value,
        integrity: rooted.checked ? 'rooted' : 'intact',
        proof,
      });
      device.deviceId = enrolment.deviceId;
      device.pid = enrolment.pid;
      await saveDevice(device);
      app.device = device;
      app.me = await app.call<DeviceRecord>('GET', '/me');
      app.followNotices();
      const link = app.pendingLink;
      app.pendingLink = undefined;
      if (link) await scanCode(app, link, 'link');
      else app.go('scan');
    } catch (error) {
      // A PIN the server finds too easy to guess: the message is about the PIN field.
      if (error instanceof ApiError && error.code === 'invalid_request' && (error.details as { pin?: unknown } | undefined)?.pin) refuse(pin, errorText(error));
      else message.show(errorText(error));
    }
  }

  return {
    title: w('ลงทะเบียนโทรศัพท์นี้', 'Enrol this phone'),
    body: h(
      'div',
      {},
      app.pendingLink ? h('p', { class: 'message info' }, w('ลงทะเบียนก่อน แล้วแอปจะแสดงคำขอที่เปิดไว้', 'Enrol first; the app then shows the request you opened.')) : false,
      form,
    ),
  };
}

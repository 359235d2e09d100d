import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareApplication } from '../../src/applications/actions.ts';
import { newStaff } from '../applications/forms.ts';
import { pidCheckDigit } from '../../src/registry/pid.ts';
import { createRelyingParty } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { filedApplication, noticeOf, postForm, signedInStaff, textOf, type SignedInStaff } from './staff-fixtures.ts';

/*
 * A staff form refused for what was typed in it comes back with the page's notice at the top and, at each field
 * at fault, aria-invalid and aria-describedby naming a problem beside it, Thai then English; what was typed is
 * still there, in that form only.
 */

let server: TestServer;
let staff: SignedInStaff;
beforeAll(async () => {
  server = await startTestServer();
  staff = await signedInStaff(server, ['reviewer', 'approver', 'administrator']);
});
afterAll(() => server?.dispose());

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What a screen reader learns of the field with this id: whether it is invalid, and what describes it. */
function fieldOf(html: string, id: string) {
  const tag = new RegExp(`<(?:input|textarea|select)\\b[^>]*\\bid="${escaped(id)}"[^>]*>`).exec(html)?.[0];
  if (!tag) throw new Error(`no field ${id} on the page`);
  const describedBy = /\baria-describedby="([^"]*)"/.exec(tag)?.[1];
  const description = describedBy ? new RegExp(`<p class="field-problem" id="${escaped(describedBy)}">([\\s\\S]*?)</p>`).exec(html)?.[1] : undefined;
  return {
    invalid: /\baria-invalid="true"/.test(tag),
    description: description === undefined ? undefined : textOf(description).trim(),
    /** The English of the description, as marked. */
    english: description === undefined ? undefined : /<span class="en" lang="en">· ([\s\S]*?)<\/span>/.exec(description)?.[1],
  };
}

/** The text of the textarea with this id, as typed. */
const textareaOf = (html: string, id: string) => textOf(new RegExp(`<textarea[^>]*\\bid="${escaped(id)}"[^>]*>([^<]*)</textarea>`).exec(html)?.[1] ?? '');
const valueOf = (html: string, id: string) => new RegExp(`<input[^>]*\\bid="${escaped(id)}"[^>]*\\bvalue="([^"]*)"`).exec(html)?.[1];
const unmarked = { invalid: false, description: undefined, english: undefined };

/** Thai text as varied as a reason staff write, so that it does not shrink to nothing when compressed. */
function longThaiReason(length: number): string {
  const letters = 'กขคงจฉชซญดตถทธนบปผพฟภมยรลวศสหอฮะาิีึืุูเแโใไ่้๊๋็ั์ ';
  let seed = 7;
  return Array.from({ length }, () => letters[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % letters.length]).join('').trim();
}

describe("a system's status forms, refused", () => {
  let page: string;
  beforeAll(async () => {
    const rp = await createRelyingParty(server, { name: 'หน่วยงานทดสอบแบบฟอร์ม' });
    page = `/staff/systems/${rp.clientId}`;
  });

  it('marks a suspension time in the past at its field, described beside it, and keeps the reason and choice typed', async () => {
    const reason = longThaiReason(1200);
    await postForm(staff, `${page}/status`, { change: 'suspend', reason, notice: 'before', effectiveAt: '2020-01-01T09:00' }).expect(303);
    const html = (await staff.browser.agent.get(page).expect(200)).text;
    // The page's summary at the top stays.
    expect(noticeOf(html)).toMatchObject({ kind: 'problem', text: expect.stringContaining('effectiveAt: must be in the future') });

    const effectiveAt = fieldOf(html, 'suspend-effectiveAt');
    expect(effectiveAt.invalid).toBe(true);
    expect(effectiveAt.description).toMatch(/^เมื่อแจ้งล่วงหน้า ต้องระบุเวลาที่มีผล .+ · must be in the future/);
    expect(effectiveAt.english).toContain('must be in the future');
    expect(valueOf(html, 'suspend-effectiveAt')).toBe('2020-01-01T09:00');
    expect(textareaOf(html, 'suspend-reason')).toBe(reason);
    expect(html).toMatch(/<input type="radio" name="notice" value="before" checked/);
    expect(fieldOf(html, 'suspend-reason')).toEqual(unmarked);
    // The other form of the page is as it was.
    expect(fieldOf(html, 'cancel-effectiveAt')).toEqual(unmarked);
    expect(textareaOf(html, 'cancel-reason')).toBe('');

    // Shown once: the page drawn again is clean.
    const again = (await staff.browser.agent.get(page).expect(200)).text;
    expect(fieldOf(again, 'suspend-effectiveAt')).toEqual(unmarked);
    expect(textareaOf(again, 'suspend-reason')).toBe('');
  });

  it('marks a missing reason, and a cancellation not confirmed, at their fields', async () => {
    await postForm(staff, `${page}/status`, { change: 'suspend', reason: ' ', notice: 'after' }).expect(303);
    const suspend = fieldOf((await staff.browser.agent.get(page)).text, 'suspend-reason');
    expect(suspend).toMatchObject({ invalid: true, english: expect.stringContaining('must not be empty') });
    expect(suspend.description).toMatch(/^ต้องระบุเหตุผล/);

    await postForm(staff, `${page}/status`, { change: 'cancel', reason: 'สัญญาสิ้นสุด', notice: 'after' }).expect(303);
    const html = (await staff.browser.agent.get(page)).text;
    expect(noticeOf(html)?.text).toContain('tick the box confirming that you understand cancellation is final');
    expect(fieldOf(html, 'cancel-confirm')).toMatchObject({ invalid: true, english: 'Tick this box to confirm you understand cancellation is final.' });
    expect(textareaOf(html, 'cancel-reason')).toBe('สัญญาสิ้นสุด');
    expect(fieldOf(html, 'cancel-reason')).toEqual(unmarked);
  });

  it('answers at once a refused form padded with thousands of fields, and still marks its own', async () => {
    const padding = Array.from({ length: 10_000 }, (_, i): [string, string] => [`padding-${i}`, '']);
    await postForm(staff, `${page}/status`, [['change', 'suspend'], ['reason', ''], ['notice', 'after'], ...padding]).expect(303);
    const html = (await staff.browser.agent.get(page).expect(200)).text;
    expect(fieldOf(html, 'suspend-reason').invalid).toBe(true);
  }, 20_000);

  it('shows what a refused form left only to the session that sent it', async () => {
    const refused = await postForm(staff, `${page}/status`, { change: 'suspend', reason: '', notice: 'after' }).expect(303);
    const left = ([] as string[]).concat(refused.headers['set-cookie'] ?? []).filter((c) => c.startsWith('thaid_staff_form')).map((c) => c.split(';')[0]);
    expect(left).toHaveLength(2);
    const other = await signedInStaff(server, ['approver']);
    const elsewhere = (await request(server.url).get(page).set('Cookie', [other.browser.sessionCookie, ...left].join('; ')).expect(200)).text;
    expect(fieldOf(elsewhere, 'suspend-reason')).toEqual(unmarked);
    const own = (await staff.browser.agent.get(page).expect(200)).text;
    expect(fieldOf(own, 'suspend-reason').invalid).toBe(true);
  });

  it('marks a reinstatement without a reason at its field', async () => {
    await postForm(staff, `${page}/status`, { change: 'suspend', reason: 'ตรวจสอบการรั่วไหล', notice: 'after' }).expect(303);
    await staff.browser.agent.get(page);
    await postForm(staff, `${page}/status`, { change: 'reinstate', reason: '' }).expect(303);
    expect(fieldOf((await staff.browser.agent.get(page)).text, 'reinstate-reason')).toMatchObject({ invalid: true, english: expect.stringContaining('must not be empty') });
  });
});

describe("an application's review forms, refused", () => {
  let page: string;
  let applicationId: string;
  beforeAll(async () => {
    applicationId = (await filedApplication(server)).id;
    page = `/staff/applications/${applicationId}`;
  });

  it('marks an empty request for changes and an empty rejection at their fields', async () => {
    await postForm(staff, `${page}/request-changes`, { message: '  ' }).expect(303);
    let html = (await staff.browser.agent.get(page)).text;
    expect(noticeOf(html)?.kind).toBe('problem');
    expect(fieldOf(html, 'request-changes-message')).toMatchObject({ invalid: true, description: expect.stringMatching(/^เขียนสิ่งที่หน่วยงานต้องแก้ไข/) });
    expect(fieldOf(html, 'reject-reasons')).toEqual(unmarked);

    await postForm(staff, `${page}/reject`, { reasons: '\n \n' }).expect(303);
    html = (await staff.browser.agent.get(page)).text;
    expect(fieldOf(html, 'reject-reasons')).toMatchObject({ invalid: true, english: 'give at least one reason' });
    expect(fieldOf(html, 'request-changes-message')).toEqual(unmarked);
  });

  it('marks a wrong daily quota in the preparation, keeping the purpose, note and choices typed', async () => {
    await postForm(staff, `${page}/prepare`, [
      ['system-0', 'on'],
      ['system-0-redirect-uri', 'https://eservice.agency1.go.th/callback'],
      ['system-0-scope', 'pid'],
      ['system-0-daily-quota', 'หนึ่งพัน'],
      ['purpose', 'ยืนยันตัวตนผู้ใช้บริการ'],
      ['note', 'ตรวจเอกสารแล้ว'],
    ]).expect(303);
    const html = (await staff.browser.agent.get(page)).text;
    const quota = fieldOf(html, 'prepare-system-0-daily-quota');
    expect(quota).toMatchObject({ invalid: true, description: expect.stringMatching(/^โควตาต่อวันต้องเป็นจำนวนเต็ม/) });
    expect(valueOf(html, 'prepare-system-0-daily-quota')).toBe('หนึ่งพัน');
    expect(textareaOf(html, 'prepare-purpose')).toBe('ยืนยันตัวตนผู้ใช้บริการ');
    expect(textareaOf(html, 'prepare-note')).toBe('ตรวจเอกสารแล้ว');
    expect(fieldOf(html, 'prepare-purpose')).toEqual(unmarked);
    // What was left unticked stays unticked.
    expect(html).toMatch(/name="system-0-scope" value="pid" checked/);
    expect(html).toMatch(/name="system-0-scope" value="name">/);
    expect(html).toMatch(/name="system-0-redirect-uri" value="http:\/\/localhost:\d+\/callback">/);
  });

  it('ties "permit at least one system" to each system\'s box when none is ticked', async () => {
    await postForm(staff, `${page}/prepare`, { purpose: 'ยืนยันตัวตน' }).expect(303);
    const html = (await staff.browser.agent.get(page)).text;
    const box = /<input type="checkbox" name="system-0"[^>]*>/.exec(html)![0];
    expect(box).not.toContain('checked');
    expect(box).toContain('aria-invalid="true" aria-describedby="prepare-systems-problem"');
    expect(textOf(/<p class="field-problem" id="prepare-systems-problem">([\s\S]*?)<\/p>/.exec(html)![1]!)).toMatch(/^อนุญาตอย่างน้อยหนึ่งระบบ .* · must permit at least one system/);
  });

  it('marks an empty reason for sending a prepared application back', async () => {
    const reviewer = await newStaff(server, ['reviewer']);
    await prepareApplication(server.database.db, reviewer.actor, applicationId, {});
    await postForm(staff, `${page}/return`, { message: '' }).expect(303);
    expect(fieldOf((await staff.browser.agent.get(page)).text, 'return-message')).toMatchObject({ invalid: true, description: expect.stringMatching(/^ระบุเหตุผลที่ส่งกลับ/) });
  });
});

describe('the staff page and a scheduled change, refused', () => {
  it('marks a citizen ID that is not one, or of no citizen, keeping it and the role chosen', async () => {
    await postForm(staff, '/staff/staff/add', { pid: '1234', role: 'approver' }).expect(303);
    let html = (await staff.browser.agent.get('/staff/staff')).text;
    expect(fieldOf(html, 'grant-pid')).toMatchObject({ invalid: true, english: 'Give a valid 13-digit citizen ID.' });
    expect(valueOf(html, 'grant-pid')).toBe('1234');
    expect(html).toContain('<option value="approver" selected>');
    expect(fieldOf(html, 'grant-role')).toEqual(unmarked);

    const nobody = `899999999998${pidCheckDigit('899999999998')}`;
    await postForm(staff, '/staff/staff/add', { pid: nobody, role: 'reviewer' }).expect(303);
    html = (await staff.browser.agent.get('/staff/staff')).text;
    expect(fieldOf(html, 'grant-pid')).toMatchObject({ invalid: true, english: expect.stringContaining('No citizen with ID') });
  });

  it('marks an empty reason for withdrawing a scheduled change', async () => {
    const rp = await createRelyingParty(server, { name: 'หน่วยงานทดสอบการถอน' });
    const page = `/staff/agencies/${rp.agencyId}`;
    const inADay = new Date(Date.now() + 31 * 3600_000).toISOString().slice(0, 16);
    await postForm(staff, `${page}/status`, { change: 'suspend', reason: 'ยังไม่ยอมรับเงื่อนไข', notice: 'before', effectiveAt: inADay }).expect(303);
    const scheduled = (await staff.browser.agent.get(page)).text;
    const action = /action="(\/staff\/notices\/([\w-]+)\/withdraw)"/.exec(scheduled)!;
    await postForm(staff, action[1]!, { reason: '' }).expect(303);
    const html = (await staff.browser.agent.get(page)).text;
    expect(fieldOf(html, `withdraw-${action[2]}-reason`)).toMatchObject({ invalid: true, description: expect.stringMatching(/^ระบุเหตุผลไม่เกิน 2000 ตัวอักษร/) });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dopaAgencyId } from '../../src/agencies/first-party-systems.ts';
import { acceptConditions } from '../../src/conditions/acceptance.ts';
import { currentConditions } from '../../src/conditions/queries.ts';
import { formatPid } from '../../src/registry/pid.ts';
import { newCitizen } from '../support/citizens.ts';
import { createRelyingParty } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { noticeOf, postForm, signedInStaff, textOf, type SignedInStaff } from './staff-fixtures.ts';

let server: TestServer;
let administrator: SignedInStaff;
let reviewer: SignedInStaff;
beforeAll(async () => {
  server = await startTestServer();
  administrator = await signedInStaff(server, ['administrator']);
  reviewer = await signedInStaff(server, ['reviewer']);
});
afterAll(() => server?.dispose());

const db = () => server.database.db;

describe('the conditions of use in the staff console', () => {
  it('publishes a new version through the page: in force at once, audited with the administrator', async () => {
    const before = await currentConditions(db());
    const page = await administrator.browser.agent.get('/staff/conditions').expect(200);
    expect(page.text).toContain('action="/staff/conditions/publish"');
    expect(textOf(page.text)).toContain(`In force: version ${before.version}`);

    const textTh = 'ข้อ 1 หน่วยงานต้องใช้ข้อมูลตามวัตถุประสงค์ที่ได้รับอนุญาตเท่านั้น\nข้อ 2 แจ้งเหตุละเมิดภายใน 72 ชั่วโมง';
    const textEn = 'Clause 1. The agency uses the data for the permitted purpose only.\nClause 2. Report a breach within 72 hours.';
    const answer = await postForm(administrator, '/staff/conditions/publish', { textTh: textTh.replace(/\n/g, '\r\n'), textEn }).set('x-request-id', 'console-publish-1').expect(303);
    expect(answer.headers.location).toBe('/staff/conditions');

    const current = await currentConditions(db());
    expect(current).toMatchObject({ version: before.version + 1, text_th: textTh, text_en: textEn, published_by: administrator.citizen.pid });
    const shown = await administrator.browser.agent.get('/staff/conditions').expect(200);
    expect(noticeOf(shown.text)).toMatchObject({ kind: 'done', text: expect.stringContaining(`Version ${current.version} is published and in force at once`) });
    expect(textOf(shown.text)).toContain('Report a breach within 72 hours.');
    expect(textOf(shown.text)).toContain('แจ้งเหตุละเมิดภายใน 72 ชั่วโมง');
    expect(shown.text).toContain(`data-version="${current.version}"`);
    expect(shown.text).toContain(`data-version="${before.version}"`);
    expect(textOf(shown.text)).toContain(formatPid(administrator.citizen.pid));

    const audit = await db().selectFrom('audit_events').selectAll().where('action', '=', 'conditions.publish').where('target_id', '=', String(current.version)).executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actor_kind: 'staff', actor_pid: administrator.citizen.pid, actor_role: 'administrator', request_id: 'console-publish-1' });
  });

  it('publishes texts as long as the form allows, 20,000 characters in each language, Thai ones included', async () => {
    const before = await currentConditions(db());
    const textTh = `ข้อ ${'ก'.repeat(19_996)}`;
    const textEn = `Art ${'a'.repeat(19_996)}`;
    await postForm(administrator, '/staff/conditions/publish', { textTh, textEn }).expect(303);
    expect(await currentConditions(db())).toMatchObject({ version: before.version + 1, text_th: textTh, text_en: textEn });
  });

  it('says what to fix when the texts are wrong, and publishes nothing', async () => {
    const before = (await currentConditions(db())).version;
    const cases: [Record<string, string>, string][] = [
      [{ textTh: 'Only English here', textEn: 'Conditions' }, 'textTh: has no Thai letters'],
      [{ textTh: 'เงื่อนไข', textEn: '' }, 'textEn: must not be empty'],
    ];
    for (const [form, message] of cases) {
      await postForm(administrator, '/staff/conditions/publish', form).expect(303);
      expect(noticeOf((await administrator.browser.agent.get('/staff/conditions')).text)).toMatchObject({ kind: 'problem', text: expect.stringContaining(message) });
    }
    const current = await currentConditions(db());
    await postForm(administrator, '/staff/conditions/publish', { textTh: current.text_th, textEn: current.text_en }).expect(303);
    expect(noticeOf((await administrator.browser.agent.get('/staff/conditions')).text)?.text).toContain('nothing to publish');
    expect((await currentConditions(db())).version).toBe(before);
  });

  it('shows who accepted which version when, and the active agencies that have not accepted the current one', async () => {
    const accepting = await createRelyingParty(server, { name: 'หน่วยงานที่ยอมรับแล้ว' });
    const waiting = await createRelyingParty(server, { name: 'หน่วยงานที่ยังไม่ยอมรับ' });
    const agencyAdmin = await newCitizen(server);
    const { version } = await currentConditions(db());
    await acceptConditions(db(), accepting.agencyId, agencyAdmin.pid, version);

    const page = await reviewer.browser.agent.get('/staff/conditions').expect(200);
    const pending = /<table class="pending">[\s\S]*?<\/table>/.exec(page.text)![0];
    expect(pending).toContain(`/staff/agencies/${waiting.agencyId}`);
    expect(pending).not.toContain(`/staff/agencies/${accepting.agencyId}`);
    // DOPA publishes the conditions; its own agency, which owns the consoles' sign-in, is not waiting to accept them.
    expect(pending).not.toContain(`/staff/agencies/${dopaAgencyId}`);
    expect(textOf(pending)).not.toContain('กรมการปกครอง');
    const acceptances = textOf(/<table class="acceptances">[\s\S]*?<\/table>/.exec(page.text)![0]);
    expect(acceptances).toContain('หน่วยงานที่ยอมรับแล้ว');
    expect(acceptances).toContain(formatPid(agencyAdmin.pid));
    expect(acceptances).toContain(`${version} ปัจจุบัน · current`);
  });

  it('keeps publishing to administrators', async () => {
    const page = await reviewer.browser.agent.get('/staff/conditions').expect(200);
    expect(page.text).not.toContain('action="/staff/conditions/publish"');
    expect(textOf(page.text)).toContain('Only administrators publish a new version.');
    const before = (await currentConditions(db())).version;
    const refused = await postForm(reviewer, '/staff/conditions/publish', { textTh: 'เงื่อนไขใหม่', textEn: 'New conditions' }).expect(403);
    expect(textOf(refused.text)).toContain('This needs the administrator role');
    expect((await currentConditions(db())).version).toBe(before);
  });
});

describe('the home page', () => {
  it('links to the pages each role uses', async () => {
    const home = await reviewer.browser.agent.get('/staff').expect(200);
    for (const href of ['/staff/applications', '/staff/agencies', '/staff/conditions', '/staff/audit']) expect(home.text).toContain(`href="${href}"`);
    expect(home.text).not.toContain('href="/staff/staff"');
    expect(textOf(home.text)).toContain('review, request changes, prepare an approval or reject');
    expect(textOf(home.text)).not.toContain('publish a new version');
    const admin = await administrator.browser.agent.get('/staff').expect(200);
    expect(textOf(admin.text)).toContain('publish a new version');
    expect(textOf(admin.text)).toContain('suspend, reinstate or cancel');
  });
});

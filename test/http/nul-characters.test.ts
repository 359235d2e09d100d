import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';
import { postForm, signedInStaff, type SignedInStaff } from '../consoles/staff-fixtures.ts';

/*
 * PostgreSQL text cannot hold U+0000. The consoles' and the admin API's addresses, and every body of ours, refuse it
 * as a bad request before a lookup or a write by it could fail as a query; the device API and the provider's
 * endpoints answer it as a value they find nothing by.
 */
let server: TestServer;
let staff: SignedInStaff;
beforeAll(async () => {
  server = await startTestServer();
  staff = await signedInStaff(server, ['administrator', 'reviewer']);
});
afterAll(() => server?.dispose());

const nulRefusal = { error: 'invalid_request', error_description: expect.stringContaining('NUL character (U+0000)') };
const admin = (path: string) => request(server.url).get(`/admin/api${path}`).set('authorization', `Bearer ${testAdminToken}`);

describe('a NUL character in a request', () => {
  it('is refused with 400 in an address of the admin API or the consoles, never a 500', async () => {
    for (const path of ['/systems/%00', '/applications?q=%00', '/audit?actor=%00']) {
      expect((await admin(path).expect(400)).body, path).toEqual(nulRefusal);
    }
    for (const path of ['/staff/systems/%00', '/staff/agencies?q=a%00b', '/agency/letters/%00']) {
      await request(server.url).get(path).set('accept', 'application/json').expect(400);
    }
  });

  it('is refused with 400 in a JSON body or a console form', async () => {
    const created = await request(server.url)
      .post('/admin/api/relying-parties')
      .set('authorization', `Bearer ${testAdminToken}`)
      .send({ name: 'กรม\u0000ทดสอบ', nameEn: 'Department', systemName: 'System', redirectUris: ['https://rp.example.test/cb'], scopes: ['pid'] })
      .expect(400);
    expect(created.body).toEqual(nulRefusal);
    const page = await postForm(staff, '/staff/conditions/publish', { textTh: 'ข้อ\u0000หนึ่ง', textEn: 'Clause one' }).expect(400);
    expect(page.text).toContain('NUL character (U+0000)');
  });

  it('is left to the provider at its endpoints, which answer without a 500', async () => {
    const answer = await request(server.url).get('/api/v2/oauth2/auth/?client_id=%00&response_type=code&scope=openid');
    expect(answer.status).toBeLessThan(500);
  });
});

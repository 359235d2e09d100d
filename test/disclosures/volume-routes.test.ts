import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { volumeQuery } from '../../src/disclosures/volume-routes.ts';
import { basicAuth } from '../support/http.ts';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';

/*
 * A day of the calendar outside the years a filter takes: year 0, which the database refuses (the counts failed as
 * a query, a 500, for any relying party with its credentials), and the last days of 9999, past which ISO text takes
 * six digits, so the chart's walk from day to day never reached the range's end and the process ran out of memory.
 */
describe('the range of disclosure counts', () => {
  it('is refused outside the years 1900 to 2999, naming them', () => {
    for (const range of [
      { from: '0000-01-01', to: '0000-01-02' },
      { to: '0000-03-01' },
      { from: '9999-12-01', to: '9999-12-31' },
      { from: '1899-12-31', to: '1900-01-05' },
      { from: '3000-01-01', to: '3000-01-02' },
    ]) {
      const parsed = volumeQuery.safeParse(range);
      expect(parsed.success, JSON.stringify(range)).toBe(false);
      expect(parsed.error?.issues.map((issue) => issue.message).join('; ')).toContain('in the years 1900 to 2999');
    }
    expect(volumeQuery.safeParse({ from: '1900-01-01', to: '1900-01-31' }).success).toBe(true);
    expect(volumeQuery.safeParse({ from: '2999-12-01', to: '2999-12-31' }).success).toBe(true);
  });
});

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.dispose());

describe('disclosure counts asked for year 0', () => {
  it('are refused with 400 at the agency API and the admin API, not a 500', async () => {
    const own = await request(server.url)
      .get('/api/agency/disclosures?from=0000-01-01&to=0000-01-02')
      .set('authorization', basicAuth('thaid-demo-client', 'demo-secret-for-local-development-only'))
      .expect(400);
    expect(own.body).toMatchObject({ error: 'invalid_request', error_description: expect.stringContaining('in the years 1900 to 2999') });
    const staff = await request(server.url)
      .get('/admin/api/disclosures/volume?to=0000-03-01')
      .set('authorization', `Bearer ${testAdminToken}`)
      .expect(400);
    expect(staff.body.error).toBe('invalid_request');
  });
});

describe('the agency API asked with Basic credentials whose client id holds a NUL character', () => {
  it('refuses them as an unknown client (401), not a failed query (500)', async () => {
    for (const clientId of ['thaid-demo\u0000client', 'thaid-demo%00client']) {
      for (const path of ['/api/agency/disclosures', '/api/agencies/00000000-0000-4000-8000-000000000000/disclosures']) {
        const answer = await request(server.url).get(path).set('authorization', basicAuth(clientId, 'demo-secret-for-local-development-only'));
        expect(answer.status, `${JSON.stringify(clientId)} at ${path}`).toBe(401);
        expect(answer.body.error).toBe('invalid_client');
        expect(answer.headers['www-authenticate']).toContain('Basic');
      }
    }
  });
});

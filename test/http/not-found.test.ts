import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.dispose());

describe('an address where nothing is', () => {
  it('answers 404 not_found, pointing to where the addresses of that part of the service are listed', async () => {
    const answers = {
      '/device/v1/nothing': 'The device API is described in docs/device-api.openapi.yaml.',
      '/admin/api/nothing': 'The admin API is described in docs/admin-api.openapi.yaml.',
      '/nothing': 'The OpenID Connect endpoints are listed at /.well-known/openid-configuration.',
    };
    for (const [path, listed] of Object.entries(answers)) {
      const answer = await request(server.url).get(path).set('authorization', `Bearer ${testAdminToken}`).expect(404);
      expect(answer.body, path).toEqual({ error: 'not_found', error_description: `There is nothing at this address. ${listed}` });
    }
  });
});

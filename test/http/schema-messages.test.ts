import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.dispose());

const registered = (body: unknown) =>
  request(server.url).post('/admin/api/relying-parties').set('authorization', `Bearer ${testAdminToken}`).send(body as object).expect(400);

describe('a request body the schema refuses', () => {
  it('is told in plain words what each field needs: required, or of which kind, not the validator’s terms', async () => {
    const missing = await registered({});
    expect(missing.body.error).toBe('invalid_request');
    expect(missing.body.error_description).toContain('name: is required');
    expect(missing.body.error_description).toContain('redirectUris: is required');

    const wrongKinds = await registered({ name: 5, redirectUris: 'https://rp.example.test/cb', publicClient: 'yes', profile: 'other' });
    expect(wrongKinds.body.error_description).toContain('name: must be a string, not a whole number');
    expect(wrongKinds.body.error_description).toContain('redirectUris: must be a list, not a string');
    expect(wrongKinds.body.error_description).toContain('publicClient: must be true or false, not a string');
    // A schema's own words stay its own.
    expect(wrongKinds.body.error_description).toContain('profile: must be thaid (as the real service behaves)');
    expect(`${missing.body.error_description} ${wrongKinds.body.error_description}`).not.toMatch(/Invalid input|expected \w+, received/);
  });
});

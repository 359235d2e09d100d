import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { banner } from '../../src/cli/commands/serve.ts';
import { demoRelyingParty, demoSecretIsDocumented } from '../../src/demo/demo-data.ts';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.dispose());

const printed = (demoSecret: 'documented' | 'rotated') => banner({ issuer: server.issuer }, server.url, undefined, undefined, demoSecret);

describe("the start-up banner's demo relying party", () => {
  it('prints the documented secret while the demo system has it, and says where the secret comes from once it was rotated', async () => {
    expect(await demoSecretIsDocumented(server.database.db)).toBe(true);
    expect(printed('documented')).toContain(`client_secret ${demoRelyingParty.clientSecret}\n`);

    await request(server.url)
      .post(`/admin/api/systems/${demoRelyingParty.clientId}/secret`)
      .set('authorization', `Bearer ${testAdminToken}`)
      .send({ grace: '0' })
      .expect(200);

    expect(await demoSecretIsDocumented(server.database.db)).toBe(false);
    const afterRotation = printed('rotated');
    expect(afterRotation).not.toContain(`client_secret ${demoRelyingParty.clientSecret}`);
    expect(afterRotation).toContain(`system rotate-secret ${demoRelyingParty.clientId}`);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualDevice } from '../../src/devices/virtual-device.ts';
import { demoPersonas } from '../../src/registry/personas.ts';
import type { Citizen } from '../../src/registry/citizen.ts';
import { testPin } from '../support/browser-login.ts';
import { newCitizen } from '../support/citizens.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.dispose());

/** What the sandbox camera films for a new phone, asked the way the app asks: signed with the phone's new key. */
async function film(device: VirtualDevice, pid: string, face: 'pass' | 'fail') {
  const { url, init } = await device.signedRequest('POST', '/sandbox-camera', { pid, face }, 'enrolment');
  const response = await fetch(url, init);
  return { status: response.status, body: (await response.json()) as { faceSample?: string; error?: string; error_description?: string } };
}

const selfEnrolment = (citizen: Citizen, faceSample: string) => ({
  proof: { method: 'self' as const, pid: citizen.pid, laserCode: citizen.laserCode, birthdate: citizen.birthdate, faceSample },
  pin: testPin,
});

describe('the sandbox camera, for the phone app’s self-service enrolment', () => {
  it("films a demo persona's own face, which passes the face match", async () => {
    const persona = demoPersonas[2]!;
    const device = await VirtualDevice.create(server.issuer);
    const enrolment = await device.enrol(selfEnrolment(persona, await device.sandboxFace(persona.pid, 'pass')));
    expect(enrolment.faceMatch!.score).toBeGreaterThanOrEqual(enrolment.faceMatch!.threshold);
  });

  it("films someone else's face on request, which is refused", async () => {
    const persona = demoPersonas[3]!;
    const device = await VirtualDevice.create(server.issuer);
    await expect(device.enrol(selfEnrolment(persona, await device.sandboxFace(persona.pid, 'fail')))).rejects.toMatchObject({ status: 403, code: 'face_not_matched' });
  });

  it('does not film any other citizen: card data alone still do not enrol them', async () => {
    const citizen = await newCitizen(server);
    const filmed = await film(await VirtualDevice.create(server.issuer), citizen.pid, 'pass');
    expect(filmed.status).toBe(404);
    expect(filmed.body.error_description).toContain('registration-office code');
  });

  it('answers only requests signed with the new key, each once', async () => {
    const device = await VirtualDevice.create(server.issuer);
    const unsigned = await fetch(`${server.issuer}/device/v1/sandbox-camera`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pid: demoPersonas[0]!.pid, face: 'pass' }),
    });
    expect(unsigned.status).toBe(401);
    const { url, init } = await device.signedRequest('POST', '/sandbox-camera', { pid: demoPersonas[0]!.pid, face: 'pass' }, 'enrolment');
    expect((await fetch(url, init)).status).toBe(200);
    expect((await fetch(url, init)).status).toBe(401);
  });

  it('refuses a body that is not a citizen ID and pass or fail', async () => {
    const filmed = await film(await VirtualDevice.create(server.issuer), 'not a pid', 'pass');
    expect(filmed.status).toBe(400);
    expect(filmed.body.error).toBe('invalid_request');
  });
});


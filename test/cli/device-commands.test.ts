import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPersonas } from '../../src/registry/personas.ts';
import { openLoginPage, startRelyingPartyLogin } from '../support/browser-login.ts';
import { demo, discoverAsDemoClient } from '../support/relying-party.ts';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';
import { runCli } from '../support/cli.ts';

let server: TestServer;
let deviceDir: string;
beforeAll(async () => {
  server = await startTestServer();
  deviceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'thaid-devices-'));
});
afterAll(async () => {
  await server?.dispose();
  fs.rmSync(deviceDir, { recursive: true, force: true });
});

const cli = (args: string[]) => runCli(args, { ISSUER: server.issuer, ADMIN_TOKEN: testAdminToken, DATA_DIR: deviceDir });

const persona = demoPersonas[2]!;

describe('the virtual device from the command line', () => {
  it('enrols, keeps its key in a private file, and approves a login by its short code', async () => {
    const enrolled = await cli(['device', 'enroll', '--pid', persona.pid, '--laser-code', persona.laserCode, '--birthdate', persona.birthdate, '--pin', '40718263', '--json']);
    expect(enrolled.stderr).toBe('');
    const { file, pid } = JSON.parse(enrolled.stdout);
    expect(pid).toBe(persona.pid);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);

    const rp = await startRelyingPartyLogin(await discoverAsDemoClient(server), demo.redirectUris[0], 'openid pid');
    const login = await openLoginPage(server, rp.url);
    const approved = await cli(['device', 'approve', login.shortCode, '--pin', '40718263']);
    expect(approved.status).toBe(0);
    expect(approved.stdout).toContain('Approved');
    expect(approved.stdout).toContain('Citizen ID number');
    const tokens = await rp.finish(await login.continueToRelyingParty());
    expect(tokens.claims()?.pid).toBe(persona.pid);
  });

  it('denies a login given its app link', async () => {
    const rp = await startRelyingPartyLogin(await discoverAsDemoClient(server), demo.redirectUris[0], 'openid');
    const login = await openLoginPage(server, rp.url);
    const denied = await cli(['device', 'deny', login.appLink, '--pid', persona.pid]);
    expect(denied.status).toBe(0);
    expect(new URL(await login.continueToRelyingParty()).searchParams.get('error')).toBe('access_denied');
  });

  it('explains a wrong PIN in one line', async () => {
    const rp = await startRelyingPartyLogin(await discoverAsDemoClient(server), demo.redirectUris[0], 'openid');
    const login = await openLoginPage(server, rp.url);
    const refused = await cli(['device', 'approve', login.shortCode, '--pin', '99887766']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^thaid-emulator: The PIN is not correct.*\(403 pin_rejected\)\n$/);
  });

  it('enrols with an office code that enrolment-code issued', async () => {
    const other = demoPersonas[3]!;
    const issued = await cli(['enrolment-code', '--pid', other.pid, '--json']);
    const { code } = JSON.parse(issued.stdout);
    const enrolled = await cli(['device', 'enroll', '--enrolment-code', code, '--pin', '40718263', '--json']);
    expect(JSON.parse(enrolled.stdout).pid).toBe(other.pid);
  });

  it('refuses to enrol a simulated rooted phone', async () => {
    const result = await cli(['device', 'enroll', '--pid', persona.pid, '--laser-code', persona.laserCode, '--birthdate', persona.birthdate, '--pin', '40718263', '--rooted']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('rooted');
  });
});

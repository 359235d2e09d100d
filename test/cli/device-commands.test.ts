import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentAppLink, QR_WINDOW_SECONDS } from '../../src/login/qr-links.ts';
import { openLoginPage, startRelyingPartyLogin } from '../support/browser-login.ts';
import { newCitizen } from '../support/citizens.ts';
import { runCli } from '../support/cli.ts';
import { demo, discoverAsDemoClient } from '../support/relying-party.ts';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';

let server: TestServer;
const dataDirs: string[] = [];
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.dispose();
  for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
});

const pin = '40718263';

/** A terminal of its own (its own DATA_DIR, so its own virtual devices) pointed at the test server. */
function terminal(issuer = server.issuer) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'thaid-devices-'));
  dataDirs.push(dataDir);
  return { dataDir, cli: (args: string[]) => runCli(args, { ISSUER: issuer, ADMIN_TOKEN: testAdminToken, DATA_DIR: dataDir }) };
}

/** A citizen of this test's own with a virtual device enrolled from the command line. */
async function enrolledFromCli() {
  const citizen = await newCitizen(server);
  const { dataDir, cli } = terminal();
  const enrolled = await cli(['device', 'enroll', '--pid', citizen.pid, '--laser-code', citizen.laserCode, '--birthdate', citizen.birthdate, '--pin', pin, '--json']);
  expect(enrolled.stderr).toBe('');
  return { citizen, dataDir, cli, enrolment: JSON.parse(enrolled.stdout) as { pid: string; file: string } };
}

async function newLogin(scope = 'openid pid') {
  const rp = await startRelyingPartyLogin(await discoverAsDemoClient(server), demo.redirectUris[0], scope);
  return { rp, login: await openLoginPage(server, rp.url) };
}

describe('the virtual device from the command line', () => {
  it('enrols, keeps its key in a private file, and approves a login by its short code', async () => {
    const { citizen, cli, enrolment } = await enrolledFromCli();
    expect(enrolment.pid).toBe(citizen.pid);
    expect(fs.statSync(enrolment.file).mode & 0o777).toBe(0o600);

    const { rp, login } = await newLogin();
    const approved = await cli(['device', 'approve', login.shortCode, '--number', String(login.matchNumber), '--pin', pin]);
    expect(approved.status).toBe(0);
    expect(approved.stdout).toContain('Approved');
    expect(approved.stdout).toContain('Citizen ID number');
    // The test's browser names itself as no common browser does: the phone says so, and where it came from.
    expect(approved.stdout).toMatch(/asked from +unknown device · network 127\.0\.0\.0\/24 at \d{4}-/);
    const tokens = await rp.finish(await login.continueToRelyingParty());
    expect(tokens.claims()?.pid).toBe(citizen.pid);
  });

  it('answers the same sign-in again after a wrong PIN, when the same command is run with the right one', async () => {
    const { citizen, cli } = await enrolledFromCli();
    const { rp, login } = await newLogin();
    const approve = (withPin: string) => cli(['device', 'approve', login.shortCode, '--number', String(login.matchNumber), '--pin', withPin]);
    const wrong = await approve('93016472');
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain('pin_rejected');
    expect(wrong.stderr).toContain('run the same command again with the right PIN');
    const right = await approve(pin);
    expect(right.stderr).toBe('');
    expect(right.stdout).toContain('Approved: ');
    expect((await rp.finish(await login.continueToRelyingParty())).claims()?.pid).toBe(citizen.pid);
  });

  it('answers the same sign-in after a wrong PIN when the short code is typed another way', async () => {
    const { citizen, cli } = await enrolledFromCli();
    const { rp, login } = await newLogin();
    const approve = (code: string, withPin: string) => cli(['device', 'approve', code, '--number', String(login.matchNumber), '--pin', withPin]);
    expect((await approve(login.shortCode, '93016472')).stderr).toContain('pin_rejected');
    const right = await approve(login.shortCode.replace('-', '').toLowerCase(), pin);
    expect(right.stderr).toBe('');
    expect(right.stdout).toContain('Approved: ');
    expect((await rp.finish(await login.continueToRelyingParty())).claims()?.pid).toBe(citizen.pid);
  });

  it('answers the same sign-in after a wrong PIN when its app link has gone stale since, or the QR code shows a newer one', async () => {
    const { citizen, cli } = await enrolledFromCli();
    const { rp, login } = await newLogin();
    const loginId = new URL(login.appLink).pathname.split('/').at(-1)!;
    // The link the QR code shows now, then the same sign-in's link of three windows ago,
    // which is what the first one has become by the time the citizen runs the command again.
    const linkFrom = (secondsAgo: number) => currentAppLink(server.database.db, server.issuer, loginId, Date.now() - secondsAgo * 1000);
    const approve = async (link: string, withPin: string) => cli(['device', 'approve', link, '--number', String(login.matchNumber), '--pin', withPin]);
    expect((await approve(await linkFrom(0), '93016472')).stderr).toContain('pin_rejected');
    const right = await approve(await linkFrom(3 * QR_WINDOW_SECONDS), pin);
    expect(right.stderr).toBe('');
    expect(right.stdout).toContain('Approved: ');
    expect((await rp.finish(await login.continueToRelyingParty())).claims()?.pid).toBe(citizen.pid);
  });

  it('denies a login given its app link', async () => {
    const { citizen, cli } = await enrolledFromCli();
    const { login } = await newLogin('openid');
    const denied = await cli(['device', 'deny', login.appLink, '--pid', citizen.pid]);
    expect(denied.status).toBe(0);
    expect(new URL(await login.continueToRelyingParty()).searchParams.get('error')).toBe('access_denied');
  });

  it('talks to the server at ISSUER, wherever the device was enrolled', async () => {
    const { citizen, dataDir, enrolment } = await enrolledFromCli();
    const saved = JSON.parse(fs.readFileSync(enrolment.file, 'utf8'));
    fs.writeFileSync(enrolment.file, JSON.stringify({ ...saved, issuer: 'http://127.0.0.1:1' }));
    const { rp, login } = await newLogin();
    const approved = await runCli(['device', 'approve', login.shortCode, '--number', String(login.matchNumber), '--pin', pin], { ISSUER: server.issuer, DATA_DIR: dataDir });
    expect(approved.status).toBe(0);
    expect((await rp.finish(await login.continueToRelyingParty())).claims()?.pid).toBe(citizen.pid);
  });

  it('names the server it could not reach', async () => {
    const { dataDir } = await enrolledFromCli();
    const unreachable = await runCli(['device', 'approve', 'ABCD-2345', '--number', '42', '--pin', pin], { ISSUER: 'http://127.0.0.1:1', DATA_DIR: dataDir });
    expect(unreachable.status).toBe(1);
    expect(unreachable.stderr).toContain('No server answers at http://127.0.0.1:1');
  });

  it('explains a wrong PIN in one line', async () => {
    const { cli } = await enrolledFromCli();
    const { login } = await newLogin('openid');
    const refused = await cli(['device', 'approve', login.shortCode, '--number', String(login.matchNumber), '--pin', '99887766']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^thaid-emulator: The PIN is not correct.*\(403 pin_rejected\); this device keeps the sign-in it scanned: run the same command again with the right PIN\.\n$/);
  });

  it('enrols with an office code that enrolment-code issued', async () => {
    const citizen = await newCitizen(server);
    const { cli } = terminal();
    const issued = await cli(['enrolment-code', '--pid', citizen.pid, '--json']);
    const { code } = JSON.parse(issued.stdout);
    const enrolled = await cli(['device', 'enroll', '--enrolment-code', code, '--pin', pin, '--json']);
    expect(JSON.parse(enrolled.stdout).pid).toBe(citizen.pid);
  });

  it('plays the citizen’s own face by default, and someone else’s with --face-match fail, which is refused and changes nothing', async () => {
    const citizen = await newCitizen(server);
    const { cli } = terminal();
    const card = ['--pid', citizen.pid, '--laser-code', citizen.laserCode, '--birthdate', citizen.birthdate, '--pin', pin];
    const impostor = await cli(['device', 'enroll', ...card, '--face-match', 'fail']);
    expect(impostor.status).toBe(1);
    expect(impostor.stderr).toContain('(403 face_not_matched)');
    const devices = await server.database.db.selectFrom('devices').select('id').where('pid', '=', citizen.pid).execute();
    expect(devices).toEqual([]);

    const real = await cli(['device', 'enroll', ...card, '--face-match', 'pass', '--json']);
    expect(real.stderr).toBe('');
    expect(JSON.parse(real.stdout).faceMatch.score).toBeGreaterThanOrEqual(80);

    const typo = await cli(['device', 'enroll', ...card, '--face-match', 'maybe']);
    expect(typo.status).toBe(1);
    expect(typo.stderr).toContain('--face-match is pass');
  });

  it('refuses to enrol a simulated rooted phone', async () => {
    const citizen = await newCitizen(server);
    const { cli } = terminal();
    const result = await cli(['device', 'enroll', '--pid', citizen.pid, '--laser-code', citizen.laserCode, '--birthdate', citizen.birthdate, '--pin', pin, '--rooted']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('(403 device_integrity_failed)');
  });
});

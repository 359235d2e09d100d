import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoRelyingParty } from '../../src/demo/demo-data.ts';
import { runCli } from '../support/cli.ts';
import { newCitizen } from '../support/citizens.ts';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';
import { completeForm } from './forms.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.dispose());

const cli = (args: string[]) => runCli(args, { ISSUER: server.issuer, ADMIN_TOKEN: testAdminToken, DATA_DIR: server.config.dataDir });
const admin = (method: 'get' | 'post', url: string) => request(server.url)[method](`/admin/api${url}`).set('authorization', `Bearer ${testAdminToken}`);

async function writeForm(name: string, form: unknown): Promise<string> {
  const file = path.join(server.config.dataDir, name);
  fs.writeFileSync(file, JSON.stringify(form, null, 2));
  return file;
}

/** Set-up through the admin API, where the CLI is not what is tried. */
async function submittedViaApi(): Promise<string> {
  const draft = await admin('post', '/applications').send(completeForm(await newCitizen(server))).expect(201);
  await admin('post', `/applications/${draft.body.id}/submit`).expect(200);
  return draft.body.id;
}

async function submittedWithCli(): Promise<string> {
  const formFile = await writeForm(`form-${Date.now()}-${Math.random()}.json`, completeForm(await newCitizen(server)));
  const result = await cli(['application', 'submit', '--file', formFile, '--json']);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  const submitted = JSON.parse(result.stdout);
  expect(submitted.status).toBe('submitted');
  return submitted.id;
}

describe('application commands', () => {
  it('application submit --file files and submits an application; list and show find it', async () => {
    const id = await submittedWithCli();
    const listed = await cli(['application', 'list', '--status', 'submitted', '--json']);
    expect(listed.status).toBe(0);
    expect(JSON.parse(listed.stdout).map((a: { id: string }) => a.id)).toContain(id);

    const shown = await cli(['application', 'show', id]);
    expect(shown.status).toBe(0);
    expect(shown.stdout).toContain(`Application ${id}: submitted, a new agency`);
    expect(shown.stdout).toMatch(/create +- -> draft {2}by admin_token/);
    expect(shown.stdout).toMatch(/submit +draft -> submitted {2}by admin_token/);
  });

  it('application submit explains an incomplete form, and keeps the draft to fix', async () => {
    const { startDate: _omitted, ...form } = completeForm(await newCitizen(server));
    const file = await writeForm('incomplete.json', form);
    const result = await cli(['application', 'submit', '--file', file]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('The application is not complete: startDate is required');
    const draftId = /The draft (\S+) is kept/.exec(result.stderr)?.[1];
    expect(draftId).toBeDefined();

    const fixed = await writeForm('fixed.json', { ...form, startDate: '2027-01-15' });
    const again = await cli(['application', 'submit', '--file', fixed, '--id', draftId!, '--json']);
    expect(again.stderr).toBe('');
    expect(JSON.parse(again.stdout)).toMatchObject({ id: draftId, status: 'submitted', form: { startDate: '2027-01-15' } });

    expect((await cli(['application', 'submit', '--file', path.join(server.config.dataDir, 'nowhere.json')])).stderr).toContain('Cannot read');
    fs.writeFileSync(path.join(server.config.dataDir, 'broken.json'), '{ "kind": ');
    expect((await cli(['application', 'submit', '--file', path.join(server.config.dataDir, 'broken.json')])).stderr).toContain('is not JSON');
  });

  it('application approve prepares as asked, narrowed by --scopes and --quota, and prints the credentials once and the letter', async () => {
    const id = await submittedViaApi();
    const notAsked = await cli(['application', 'approve', id, '--scopes', 'pid gender']);
    expect(notAsked.status).toBe(1);
    expect(notAsked.stderr).toContain('cannot permit gender');
    expect((await cli(['application', 'approve', id, '--quota', 'lots'])).stderr).toContain('--quota must be a whole number');

    const result = await cli(['application', 'approve', id, '--scopes', 'openid pid', '--quota', '250']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Permission letter DOPA-DID-\d{4}-\d{4}, dated \d{4}-\d\d-\d\d\.$/m);
    const clientId = /client_id {5}(\S+)/.exec(result.stdout)![1]!;
    const clientSecret = /client_secret (\S+) {3}\(shown only now/.exec(result.stdout)![1]!;
    expect(result.stdout).toMatch(/scopes {8}openid pid$/m);
    expect(result.stdout).toMatch(/daily quota {3}250$/m);

    // The credentials work at once: the client authenticates (the made-up code is what fails).
    const token = await request(server.url)
      .post('/api/v2/oauth2/token/')
      .auth(clientId, clientSecret)
      .type('form')
      .send({ grant_type: 'authorization_code', code: 'x', redirect_uri: 'http://localhost:9000/callback' })
      .expect(400);
    expect(token.body.error).toBe('invalid_grant');

    const application = (await admin('get', `/applications/${id}`).expect(200)).body;
    expect(application.status).toBe('approved');
    expect(application.events.map((e: { transition: string }) => e.transition)).toEqual(['create', 'submit', 'prepare', 'approve']);
    expect(JSON.stringify(application)).not.toContain(clientSecret);

    const twice = await cli(['application', 'approve', id]);
    expect(twice.status).toBe(1);
    expect(twice.stderr).toContain('approved is final');
  });

  it('application approve --json gives the credentials and the letter as JSON; letter list and show read it', async () => {
    const id = await submittedViaApi();
    const result = await cli(['application', 'approve', id, '--json']);
    expect(result.status).toBe(0);
    const approval = JSON.parse(result.stdout);
    expect(approval.letter.number).toMatch(/^DOPA-DID-\d{4}-\d{4}$/);
    expect(approval.credentials[0]).toMatchObject({ scopes: ['openid', 'pid', 'name', 'birthdate'], dailyQuota: 1200 });
    expect(approval.credentials[0].clientSecret).toMatch(/^[\w-]{43}$/);

    const letters = JSON.parse((await cli(['letter', 'list', '--json'])).stdout);
    const letter = letters.find((l: { applicationId: string }) => l.applicationId === id);
    expect(letter).toEqual(approval.letter);
    const shown = await cli(['letter', 'show', letter.number]);
    expect(shown.stdout).toContain(`Permission letter ${letter.number}, dated ${letter.issuedOn}`);
    expect(shown.stdout).toContain(`answers     application ${id}; prepared by admin_token, approved by admin_token`);
    expect(shown.stdout).toContain(`system      ${approval.credentials[0].clientId}`);
  });

  it('application request-changes sends an application back, with the message', async () => {
    const sentBack = await submittedViaApi();
    expect((await cli(['application', 'request-changes', sentBack])).stderr).toContain('needs --message');
    const changes = await cli(['application', 'request-changes', sentBack, '--message', 'Give the ministry in full.']);
    expect(changes.status).toBe(0);
    expect((await admin('get', `/applications/${sentBack}`).expect(200)).body).toMatchObject({
      status: 'changes_requested',
      events: expect.arrayContaining([expect.objectContaining({ transition: 'request_changes', message: 'Give the ministry in full.' })]),
    });
  });

  it('application reject rejects for good, with the reasons', async () => {
    const id = await submittedViaApi();
    expect((await cli(['application', 'reject', id])).stderr).toContain('needs --reason');
    const result = await cli(['application', 'reject', id, '--reason', 'Not a juristic person', '--reason', 'No public service', '--json']);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'rejected', events: expect.arrayContaining([expect.objectContaining({ transition: 'reject', reasons: ['Not a juristic person', 'No public service'] })]) });
    const approve = await cli(['application', 'approve', id]);
    expect(approve.status).toBe(1);
    expect(approve.stderr).toContain('rejected is final');
  });

  it('is in the usage text, and explains a missing ID', async () => {
    const usage = await runCli(['help'], {});
    expect(usage.stdout).toContain('application approve ID [--scopes "pid name"] [--quota N] [--json]');
    expect(usage.stdout).toContain('application reject ID --reason R [--json]');
    const missing = await cli(['application', 'show']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("needs the application's ID");
  });
});

describe('the sandbox registration', () => {
  it('rp create keeps its output, adds the letter number, and its application reads back approved', async () => {
    const result = await cli(['rp', 'create', '--name', 'กรมทดสอบระบบ', '--name-en', 'Sandbox Test Department', '--redirect-uri', 'https://sandbox.example.test/cb', '--scopes', 'openid pid name', '--json']);
    expect(result.stderr).toBe('');
    const created = JSON.parse(result.stdout);
    expect(Object.keys(created).sort()).toEqual(['agencyId', 'apiKey', 'applicationId', 'clientId', 'clientSecret', 'idTokenAlg', 'letterNumber', 'profile', 'redirectUris', 'scopes'].sort());
    expect(created).toMatchObject({ redirectUris: ['https://sandbox.example.test/cb'], scopes: ['openid', 'pid', 'name'], profile: 'thaid', idTokenAlg: 'RS256' });
    expect(created.letterNumber).toMatch(/^DOPA-DID-\d{4}-\d{4}$/);

    const application = (await admin('get', `/applications/${created.applicationId}`).expect(200)).body;
    expect(application).toMatchObject({ status: 'approved', origin: 'sandbox', kind: 'new', agencyId: created.agencyId, administratorPid: null, agencyNameEn: 'Sandbox Test Department' });
    expect(application.events.map((e: { transition: string; actor: { kind: string } }) => `${e.transition} by ${e.actor.kind}`)).toEqual([
      'create by admin_token',
      'submit by admin_token',
      'prepare by admin_token',
      'approve by admin_token',
    ]);
    expect(application.letters).toEqual([
      expect.objectContaining({ number: created.letterNumber, agencyId: created.agencyId, dataItems: ['pid', 'name'], conditionsVersion: 1, approvedBy: 'admin_token' }),
    ]);
    expect(application.letters[0].systems).toEqual([
      { clientId: created.clientId, name: 'กรมทดสอบระบบ', change: 'new_system', redirectUris: ['https://sandbox.example.test/cb'], dataItems: ['pid', 'name'], dailyQuota: null },
    ]);

    const text = await cli(['rp', 'create', '--name', 'A', '--redirect-uri', 'https://a.example.test/cb']);
    expect(text.stdout).toMatch(/^ {2}letter {8}DOPA-DID-\d{4}-\d{4} \(permission letter; application [0-9a-f-]{36}\)$/m);

    // One action, one audit row: the registration.
    const audited = await sql<{ action: string }>`select action from audit_events where target_id in (${created.clientId}, ${created.applicationId})`.execute(server.database.db);
    expect(audited.rows.map((r) => r.action)).toEqual(['relying_party.create']);
  });

  it('gave the demo relying party of the first start an application and a letter, by the first start', async () => {
    const { applications } = (await admin('get', `/applications?q=${encodeURIComponent(demoRelyingParty.nameEn)}`).expect(200)).body;
    expect(applications).toHaveLength(1);
    const application = (await admin('get', `/applications/${applications[0].id}`).expect(200)).body;
    expect(application).toMatchObject({ status: 'approved', origin: 'sandbox', agencyNameTh: demoRelyingParty.name });
    expect(new Set(application.events.map((e: { actor: { kind: string } }) => e.actor.kind))).toEqual(new Set(['first_start']));
    expect(application.letters[0]).toMatchObject({
      preparedBy: 'first_start',
      approvedBy: 'first_start',
      systems: [{ clientId: demoRelyingParty.clientId, redirectUris: [...demoRelyingParty.redirectUris], dataItems: [...demoRelyingParty.scopes] }],
    });
    const audited = await sql<{ n: number }>`select count(*)::int as n from audit_events where target_id = ${application.id} or target_id = ${demoRelyingParty.clientId}`.execute(server.database.db);
    expect(audited.rows[0]!.n).toBe(0);
  });
});

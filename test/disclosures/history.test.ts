import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as oidc from 'openid-client';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceApiError, type HistoryQuery, type VirtualDevice } from '../../src/devices/virtual-device.ts';
import type { HistoryEntry } from '../../src/disclosures/history-entry.ts';
import { historyFileName } from '../../src/disclosures/history.ts';
import { historyExport, historyPage } from '../../src/disclosures/history-schemas.ts';
import type { DisclosureEntry, EventEntry } from '../../src/disclosures/ledger-entry.ts';
import { appendEntry } from '../../src/disclosures/ledger-queries.ts';
import type { Citizen } from '../../src/registry/citizen.ts';
import { pidCheckDigit } from '../../src/registry/pid.ts';
import { enrolledDevice, openLoginPage, startRelyingPartyLogin, testPin } from '../support/browser-login.ts';
import { newCitizen } from '../support/citizens.ts';
import { runCli } from '../support/cli.ts';
import { demo, discoverAsDemoClient } from '../support/relying-party.ts';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';

let server: TestServer;
let demoClient: oidc.Configuration;
const dataDirs: string[] = [];

beforeAll(async () => {
  server = await startTestServer();
  demoClient = await discoverAsDemoClient(server);
});
afterAll(async () => {
  await server?.dispose();
  for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A whole sign-in at the demo relying party (openid-client), approved on the device; returns its tokens. */
async function signIn(device: VirtualDevice, scope: string) {
  const rp = await startRelyingPartyLogin(demoClient, demo.redirectUris[0], scope);
  const login = await openLoginPage(server, rp.url);
  await device.approve((await device.scan(login.appLink)).id, login.matchNumber, testPin);
  return rp.finish(await login.continueToRelyingParty());
}

/** A new citizen with a phone; their history starts with its enrolment, at leaf index `enrolled`. */
async function citizenWithDevice(): Promise<{ citizen: Citizen; device: VirtualDevice; enrolled: number }> {
  const citizen = await newCitizen(server);
  const device = await enrolledDevice(server, citizen);
  const [enrolment] = (await device.history()).entries;
  expect(enrolment).toMatchObject({ kind: 'event', event: 'device_enrolled' });
  return { citizen, device, enrolled: enrolment!.leafIndex };
}

interface Requester {
  agencyId: string;
  th?: string;
  en?: string;
  system?: string;
  purpose?: string;
}

/** Writes a disclosure into the ledger as the server would, at a given time. */
function disclosure(pid: string, at: string, who: Requester, items: string[], endpoint: 'token' | 'userinfo' = 'userinfo'): Promise<number> {
  const entry: DisclosureEntry = {
    kind: 'disclosure',
    at,
    pid,
    agency: { id: who.agencyId, th: who.th ?? 'หน่วยงานทดสอบ', en: who.en ?? 'Test agency' },
    system: { clientId: `client-${who.agencyId.slice(0, 8)}`, name: who.system ?? 'Test system' },
    purpose: who.purpose ?? 'Testing',
    items,
    endpoint,
    api: 'v2',
    grantId: null,
    requestId: null,
  };
  return appendEntry(server.database.db, entry);
}

/** Writes a citizen's answer into the ledger, as the sign-in's statements do. */
function event(pid: string, at: string, who: Requester, items: string[], answer: EventEntry['event']): Promise<number> {
  const entry: EventEntry = {
    kind: 'event',
    at,
    pid,
    agency: { id: who.agencyId, th: who.th ?? 'หน่วยงานทดสอบ', en: who.en ?? 'Test agency' },
    system: { clientId: `client-${who.agencyId.slice(0, 8)}`, name: who.system ?? 'Test system' },
    purpose: who.purpose ?? 'Testing',
    items,
    event: answer,
    loginId: randomUUID(),
    deviceId: randomUUID(),
  };
  return appendEntry(server.database.db, entry);
}

/** Every entry, following the cursor page by page; checks each page's size on the way. */
async function allPages(device: VirtualDevice, query: HistoryQuery, limit: number) {
  const entries: HistoryEntry[] = [];
  let cursor: string | undefined;
  let pages = 0;
  for (;;) {
    const page = await device.history({ ...query, limit, ...(cursor ? { cursor } : {}) });
    pages++;
    expect(page.entries.length).toBeLessThanOrEqual(limit);
    if (page.nextCursor !== null) expect(page.entries).toHaveLength(limit);
    entries.push(...page.entries);
    if (page.nextCursor === null) return { entries, pages };
    cursor = page.nextCursor;
  }
}

const leafIndexes = (entries: { leafIndex: number }[]) => entries.map((e) => e.leafIndex);
const descending = (numbers: number[]) => numbers.every((n, i) => i === 0 || numbers[i - 1]! > n);

async function refusal(promise: Promise<unknown>): Promise<DeviceApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeviceApiError);
  return error as DeviceApiError;
}

/** A small RFC 4180 reader: quoted cells with doubled quotes, commas and line breaks inside; CRLF rows. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) throw new Error('the CSV does not end with CRLF');
  return rows;
}

describe("the citizen's history on their device", () => {
  it('shows a sign-in and each userinfo call, newest first, with the data items and none of their values', async () => {
    const { citizen, device } = await citizenWithDevice();
    const tokens = await signIn(device, 'openid pid name birthdate');
    const claims = await oidc.fetchUserInfo(demoClient, tokens.access_token, tokens.claims()!.sub);
    expect(claims.pid).toBe(citizen.pid);
    await oidc.fetchUserInfo(demoClient, tokens.access_token, tokens.claims()!.sub);

    const { url, init } = await device.signedRequest('GET', '/history', undefined);
    const response = await fetch(url, init);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const raw = await response.text();
    const page = JSON.parse(raw) as { entries: HistoryEntry[]; nextCursor: string | null };
    // As the API document declares it (parsing drops what it does not declare).
    expect(historyPage.parse(page)).toEqual(page);
    expect(page.nextCursor).toBeNull();
    expect(descending(leafIndexes(page.entries))).toBe(true);
    expect(page.entries.map((e) => e.at)).toEqual(page.entries.map((e) => e.at).sort().reverse());

    const disclosures = page.entries.filter((e) => e.kind === 'disclosure');
    expect(disclosures.map((e) => e.endpoint)).toEqual(['userinfo', 'userinfo', 'token']);
    const [userinfo] = disclosures;
    expect(userinfo).toEqual({
      leafIndex: expect.any(Number),
      kind: 'disclosure',
      at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      agency: { id: expect.any(String), th: demo.name, en: demo.nameEn },
      system: { clientId: demo.clientId, name: demo.systemName },
      items: [
        { scope: 'openid' },
        { scope: 'pid', th: 'เลขประจำตัวประชาชน', en: 'Citizen ID number' },
        { scope: 'name', th: 'ชื่อ-นามสกุล (ภาษาไทย)', en: 'Full name (Thai)' },
        { scope: 'birthdate', th: 'วันเดือนปีเกิด', en: 'Date of birth' },
      ],
      purpose: demo.purpose,
      endpoint: 'userinfo',
    });
    expect(Date.now() - Date.parse(userinfo!.at)).toBeLessThan(60_000);
    // The events: the citizen's answer with the items asked for, and before it the phone's enrolment.
    const events = page.entries.filter((e) => e.kind === 'event');
    expect(events.map((e) => e.event)).toEqual(['approved', 'device_enrolled']);
    expect(events[0]!.system.clientId).toBe(demo.clientId);

    // The ledger names data items, never their values.
    for (const value of [citizen.pid, `${citizen.givenNameTh} ${citizen.familyNameTh}`, citizen.familyNameTh, citizen.birthdate]) {
      expect(raw).not.toContain(value);
    }
  });

  it('pages with the cursor through every entry exactly once, and the last page says it is the last', async () => {
    const { citizen, device } = await citizenWithDevice();
    const other = await newCitizen(server);
    const who = { agencyId: randomUUID() };
    for (let i = 0; i < 6; i++) {
      await disclosure(citizen.pid, `2024-05-0${i + 1}T03:00:00.000Z`, who, ['openid', 'pid']);
      await disclosure(other.pid, `2024-05-0${i + 1}T04:00:00.000Z`, who, ['openid']);
    }
    await event(citizen.pid, '2024-05-07T03:00:00.000Z', who, ['pid'], 'denied');

    const everything = (await device.history({ limit: 200 })).entries;
    // Its own seven, and the phone's enrolment before them.
    expect(everything).toHaveLength(8);
    expect(descending(leafIndexes(everything))).toBe(true);
    expect(everything[0]).toMatchObject({ kind: 'event', event: 'denied', items: [{ scope: 'pid' }] });
    expect(everything[0]).not.toHaveProperty('endpoint');
    expect(everything[1]).not.toHaveProperty('event');

    for (const limit of [1, 2, 3, 8]) {
      const { entries, pages } = await allPages(device, {}, limit);
      expect(leafIndexes(entries)).toEqual(leafIndexes(everything));
      expect(pages).toBe(Math.ceil(8 / limit));
    }
    // The default page is 50.
    expect((await device.history()).entries).toEqual(everything);
  });

  it('filters by agency, by data item and by period, also across pages', async () => {
    const { citizen, device, enrolled } = await citizenWithDevice();
    const a = { agencyId: randomUUID(), th: 'กรมเอ', en: 'Agency A' };
    const b = { agencyId: randomUUID(), th: 'กรมบี', en: 'Agency B' };
    const jan10 = await disclosure(citizen.pid, '2024-01-10T12:00:00.000Z', a, ['openid', 'pid']);
    // 1 February 00:30 in Thailand.
    const feb1Early = await disclosure(citizen.pid, '2024-01-31T17:30:00.000Z', b, ['openid', 'name']);
    const feb1 = await event(citizen.pid, '2024-02-01T09:00:00.000Z', a, ['pid', 'birthdate'], 'approved');
    // 2 February 00:30 in Thailand.
    const feb2 = await disclosure(citizen.pid, '2024-02-01T17:30:00.000Z', a, ['openid', 'birthdate'], 'token');
    const mar5 = await disclosure(citizen.pid, '2024-03-05T05:00:00.000Z', b, ['openid', 'pid', 'name']);

    const found = async (query: HistoryQuery) => leafIndexes((await device.history({ limit: 200, ...query })).entries);
    // The phone's enrolment came first, and is of today.
    expect(await found({})).toEqual([mar5, feb2, feb1, feb1Early, jan10, enrolled]);
    expect(await found({ agency: a.agencyId })).toEqual([feb2, feb1, jan10]);
    expect(await found({ agency: b.agencyId })).toEqual([mar5, feb1Early]);
    expect(await found({ agency: randomUUID() })).toEqual([]);
    // A UUID is the same whatever the case of its letters.
    expect(await found({ agency: a.agencyId.toUpperCase() })).toEqual([feb2, feb1, jan10]);
    expect(await found({ item: 'pid' })).toEqual([mar5, feb1, jan10]);
    expect(await found({ item: 'birthdate' })).toEqual([feb2, feb1]);
    expect(await found({ item: 'gender' })).toEqual([]);
    // A date is a whole day in Thailand.
    expect(await found({ from: '2024-02-01', to: '2024-02-01' })).toEqual([feb1, feb1Early]);
    expect(await found({ from: '2024-02-01' })).toEqual([mar5, feb2, feb1, feb1Early, enrolled]);
    expect(await found({ to: '2024-01-31' })).toEqual([jan10]);
    // An instant: from it on, and before it.
    expect(await found({ from: '2024-02-01T09:00:00Z', to: '2024-03-05T05:00:00Z' })).toEqual([feb2, feb1]);
    expect(await found({ from: '2024-02-01T16:00:00+07:00' })).toEqual([mar5, feb2, feb1, enrolled]);
    expect(await found({ agency: a.agencyId, item: 'pid', from: '2024-01-11' })).toEqual([feb1]);

    const { entries, pages } = await allPages(device, { agency: a.agencyId }, 1);
    expect(leafIndexes(entries)).toEqual([feb2, feb1, jan10]);
    expect(pages).toBe(3);
    expect(entries.every((e) => e.agency.id === a.agencyId && e.agency.en === 'Agency A')).toBe(true);
  });

  it('refuses a malformed or unknown query parameter with a message that says what to send', async () => {
    const { device } = await citizenWithDevice();
    const cases: [Record<string, string>, RegExp][] = [
      [{ limit: '0' }, /limit: must be a whole number from 1 to 200/],
      [{ limit: '201' }, /limit: must be a whole number from 1 to 200/],
      [{ limit: 'ten' }, /limit: must be a whole number from 1 to 200/],
      [{ cursor: 'abc' }, /cursor: must be the nextCursor of the previous page/],
      [{ agency: 'Agency A' }, /agency: must be an agency ID \(a UUID\)/],
      [{ item: 'salary' }, /item: must be a data item by its scope name: openid, pid, /],
      [{ from: '2024-13-01' }, /from: must be a date \(2025-06-01\) or a date-time/],
      [{ to: '1 March' }, /to: must be a date/],
      [{ from: '0000-01-01' }, /from: must be a date .* in the years 1900 to 2999/],
      [{ from: '0000-01-01T00:00:00Z' }, /from: must be a date .* in the years 1900 to 2999/],
      [{ to: '9999-12-31T23:59:59-23:59' }, /to: must be a date .* in the years 1900 to 2999/],
      [{ from: '2024-03-01', to: '2024-02-01' }, /from: must be before to/],
      [{ agencyId: randomUUID() }, /unknown parameter agencyId: the parameters here are limit, cursor, agency, item, from, to/],
    ];
    for (const [query, message] of cases) {
      const error = await refusal(device.history(query as HistoryQuery));
      expect([error.status, error.code], JSON.stringify(query)).toEqual([400, 'invalid_request']);
      expect(error.message, JSON.stringify(query)).toMatch(message);
    }
    const badFormat = await refusal(device.exportHistory('xml' as 'csv'));
    expect([badFormat.status, badFormat.code]).toEqual([400, 'invalid_request']);
    expect(badFormat.message).toMatch(/format: must be json or csv/);
  });

  it('exports the whole history as CSV (UTF-8, quoted, no formulas) and as JSON, as a download', async () => {
    const { citizen, device } = await citizenWithDevice();
    await signIn(device, 'openid pid address');
    const hostile = {
      agencyId: randomUUID(),
      th: '=HYPERLINK("http://evil.example","คลิก")',
      en: 'Agency, "Quoted"\r\nOn two lines',
      system: '@SUM(1+1)',
      purpose: '+cmd|\' /C calc\'!A0',
    };
    await disclosure(citizen.pid, new Date().toISOString(), hostile, ['openid', 'gender']);
    await event(citizen.pid, new Date().toISOString(), { ...hostile, purpose: '-2+3' }, ['gender'], 'wrong_pin');
    const history = (await device.history({ limit: 200 })).entries;

    const csv = await device.exportHistory('csv');
    expect(csv.contentType).toMatch(/^text\/csv; charset=utf-8/);
    expect(csv.disposition).toMatch(/^attachment; filename="thaid-history-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(csv.body.endsWith('\r\n')).toBe(true);
    const [header, ...rows] = readCsv(csv.body);
    expect(header).toEqual(['leaf_index', 'at', 'kind', 'event', 'endpoint', 'agency_id', 'agency_th', 'agency_en', 'client_id', 'system', 'purpose', 'items', 'items_th', 'items_en']);
    expect(rows).toHaveLength(history.length);
    const byColumn = rows.map((row) => Object.fromEntries(header!.map((name, i) => [name, row[i]])));
    expect(byColumn.map((r) => Number(r['leaf_index']))).toEqual(leafIndexes(history));
    expect(rows.every((row) => row.length === header!.length)).toBe(true);

    const [answered, hostileRelease] = byColumn;
    expect(answered).toMatchObject({ kind: 'event', event: 'wrong_pin', endpoint: '', purpose: "'-2+3", items: 'gender', items_th: 'เพศ', items_en: 'Gender' });
    expect(hostileRelease).toMatchObject({
      kind: 'disclosure',
      endpoint: 'userinfo',
      agency_th: `'${hostile.th}`,
      agency_en: hostile.en,
      system: `'${hostile.system}`,
      purpose: `'${hostile.purpose}`,
      items: 'openid gender',
      items_en: 'openid; Gender',
    });
    // Quotes inside cells are doubled, as RFC 4180 has it.
    expect(csv.body).toContain(`"'=HYPERLINK(""http://evil.example"",""คลิก"")"`);
    const signInRow = byColumn.find((r) => r['endpoint'] === 'token');
    expect(signInRow).toMatchObject({ agency_th: demo.name, agency_en: demo.nameEn, items: 'openid pid address' });
    expect(signInRow!['items_th']).toBe('openid; เลขประจำตัวประชาชน; ที่อยู่ตามทะเบียนบ้าน');
    expect(csv.body).not.toContain(citizen.pid);

    // As saved to disk: a byte order mark first, so a spreadsheet reads the Thai as UTF-8.
    const { url, init } = await device.signedRequest('GET', '/history/export?format=csv', undefined);
    const saved = Buffer.from(await (await fetch(url, init)).arrayBuffer());
    expect([...saved.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(saved.subarray(3).toString('utf8')).toBe(csv.body);

    const json = await device.exportHistory('json');
    expect(json.contentType).toMatch(/^application\/json; charset=utf-8/);
    expect(json.disposition).toMatch(/^attachment; filename="thaid-history-\d{4}-\d{2}-\d{2}\.json"$/);
    const exported = JSON.parse(json.body) as { pid: string; exportedAt: string; entries: HistoryEntry[] };
    expect(exported.pid).toBe(citizen.pid);
    expect(historyExport.parse(exported)).toEqual(exported);
    expect(exported.entries).toEqual(history);
    expect((await device.exportHistory()).body).toContain('"entries"');
  });

  it('names the download after the day it was made in Thailand, which is the next day from 17:00 UTC on', () => {
    expect(historyFileName('csv', new Date('2026-01-31T16:59:59.999Z'))).toBe('thaid-history-2026-01-31.csv');
    expect(historyFileName('json', new Date('2026-01-31T17:00:00.000Z'))).toBe('thaid-history-2026-02-01.json');
  });

  it('belongs to the citizen: a newly enrolled phone sees what came before it, the replaced one can no longer read it', async () => {
    const { citizen, device: first } = await citizenWithDevice();
    await signIn(first, 'openid pid');
    const before = (await first.history()).entries;
    expect(before.some((e) => e.kind === 'disclosure' && e.endpoint === 'token')).toBe(true);

    const second = await enrolledDevice(server, citizen);
    const seen = (await second.history()).entries;
    expect(leafIndexes(seen).slice(-before.length)).toEqual(leafIndexes(before));
    expect(seen.slice(-before.length)).toEqual(before);

    const refused = await refusal(first.history());
    expect([refused.status, refused.code]).toEqual([401, 'device_revoked']);
    const exportRefused = await refusal(first.exportHistory('csv'));
    expect([exportRefused.status, exportRefused.code]).toEqual([401, 'device_revoked']);

    // Another citizen's phone sees none of it: only its own enrolment.
    const { device: stranger, enrolled } = await citizenWithDevice();
    expect(leafIndexes((await stranger.history()).entries)).toEqual([enrolled]);
  });

  it('refuses an unsigned request', async () => {
    const response = await request(server.url).get('/device/v1/history').expect(401);
    expect(response.body.error).toBe('invalid_signature');
  });
});

describe('the history for staff: the admin API and the CLI', () => {
  const admin = (path: string) => request(server.url).get(`/admin/api${path}`).set('authorization', `Bearer ${testAdminToken}`);

  function terminal() {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'thaid-history-'));
    dataDirs.push(dataDir);
    return (args: string[]) => runCli(args, { ISSUER: server.issuer, ADMIN_TOKEN: testAdminToken, DATA_DIR: dataDir });
  }

  /** A citizen with a real sign-in and userinfo call, then a later refusal of another agency. */
  async function citizenWithHistory() {
    const { citizen, device } = await citizenWithDevice();
    const tokens = await signIn(device, 'openid pid name');
    await oidc.fetchUserInfo(demoClient, tokens.access_token, tokens.claims()!.sub);
    const other = { agencyId: randomUUID(), th: 'กรมทดสอบ', en: 'Testing Department', system: 'Counter app' };
    const refusedAt = await event(citizen.pid, new Date().toISOString(), other, ['pid', 'gender'], 'denied');
    return { citizen, device, refusedAt, other };
  }

  it('answers the same entries, newest first, a page at a time', async () => {
    const { citizen, device, refusedAt } = await citizenWithHistory();
    const full = await admin(`/citizens/${citizen.pid}/history`).expect(200);
    expect(full.headers['cache-control']).toBe('no-store');
    expect(full.body).toEqual(await device.history());
    expect(historyPage.parse(full.body)).toEqual(full.body);
    expect(full.body.entries[0].leafIndex).toBe(refusedAt);

    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await admin(`/citizens/${citizen.pid}/history?limit=2${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
      seen.push(...leafIndexes(page.body.entries as HistoryEntry[]));
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    expect(seen).toEqual(leafIndexes(full.body.entries as HistoryEntry[]));
  });

  it('says 404 for a citizen not in the registry, 400 for a malformed ID or limit, 401 without the token', async () => {
    const unknown = `1999999999${'99'}`;
    const unknownPid = `${unknown}${pidCheckDigit(unknown)}`;
    expect((await admin(`/citizens/${unknownPid}/history`).expect(404)).body.error).toBe('not_found');
    const malformed = await admin('/citizens/1234567890123/history').expect(400);
    expect(malformed.body).toMatchObject({ error: 'invalid_request', error_description: expect.stringContaining('pid: is not a valid 13-digit citizen ID') });
    const { citizen } = await citizenWithDevice();
    expect((await admin(`/citizens/${citizen.pid}/history?limit=1001`).expect(400)).body.error_description).toContain('limit: must be a whole number from 1 to 1000');
    expect((await admin(`/citizens/${citizen.pid}/history?item=pid`).expect(400)).body.error_description).toContain('unknown parameter item: the parameters here are limit, cursor');
    await request(server.url).get(`/admin/api/citizens/${citizen.pid}/history`).expect(401);
    await request(server.url).get(`/admin/api/citizens/${citizen.pid}/history`).set('authorization', 'Bearer wrong').expect(401);
  });

  it('thaid-emulator history PID --limit N --json prints the newest entries with their kind, agency, system, items, endpoint and time', async () => {
    const { citizen, refusedAt, other } = await citizenWithHistory();
    const cli = terminal();
    const result = await cli(['history', citizen.pid, '--limit', '2', '--json']);
    expect(result.stderr).toMatch(/^Older entries follow: run again with --cursor \d+ to read them\.\n$/);
    expect(result.status).toBe(0);
    const entries = JSON.parse(result.stdout) as HistoryEntry[];
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      leafIndex: refusedAt,
      kind: 'event',
      event: 'denied',
      agency: { id: other.agencyId, th: other.th, en: other.en },
      system: { name: 'Counter app' },
      items: [{ scope: 'pid', en: 'Citizen ID number' }, { scope: 'gender', th: 'เพศ' }],
    });
    expect(entries[1]).toMatchObject({
      kind: 'disclosure',
      endpoint: 'userinfo',
      agency: { th: demo.name, en: demo.nameEn },
      system: { clientId: demo.clientId, name: demo.systemName },
      items: [{ scope: 'openid' }, { scope: 'pid' }, { scope: 'name' }],
    });
    expect(entries[0]!.leafIndex).toBeGreaterThan(entries[1]!.leafIndex);
    expect(Date.parse(entries[1]!.at)).not.toBeNaN();
  });

  it('thaid-emulator history PID prints one readable line per entry, newest first', async () => {
    const { citizen } = await citizenWithHistory();
    const cli = terminal();
    const history = JSON.parse((await cli(['history', citizen.pid, '--json'])).stdout) as HistoryEntry[];
    const result = await cli(['history', citizen.pid.replace(/^(\d)(\d{4})(\d{5})(\d{2})(\d)$/, '$1-$2-$3-$4-$5'), '--limit', '3']);
    expect(result.stderr).toContain('Older entries follow');
    expect(result.status).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    lines.forEach((line, i) => {
      const entry = history[i]!;
      expect(line.startsWith(entry.at)).toBe(true);
      expect(line).toContain(entry.kind);
      expect(line).toContain(entry.agency.th);
      expect(line).toContain(entry.system.name);
      expect(line).toContain(entry.system.clientId);
      expect(line).toContain(`items ${entry.items.map((item) => item.scope).join(', ')}`);
      expect(line).toContain(entry.kind === 'disclosure' ? `endpoint ${entry.endpoint}` : `event ${entry.event}`);
    });
    expect(lines[0]).toMatch(/event denied .*agency กรมทดสอบ \(Testing Department\)/);
    expect(lines[1]).toMatch(/disclosure +endpoint userinfo .*items openid, pid, name/);
    expect(result.stdout).not.toContain(citizen.familyNameTh);
  });

  it('thaid-emulator history PID says when older entries follow, and --cursor reads them, each entry once', async () => {
    const { citizen } = await citizenWithHistory();
    const cli = terminal();
    const all = JSON.parse((await cli(['history', citizen.pid, '--json'])).stdout) as HistoryEntry[];
    expect(all.length).toBeGreaterThan(3);

    const seen: number[] = [];
    let args = ['history', citizen.pid, '--limit', '3', '--json'];
    for (;;) {
      const result = await cli(args);
      expect(result.status).toBe(0);
      seen.push(...leafIndexes(JSON.parse(result.stdout) as HistoryEntry[]));
      const cursor = /--cursor (\d+)/.exec(result.stderr)?.[1];
      if (!cursor) break;
      args = ['history', citizen.pid, '--limit', '3', '--cursor', cursor, '--json'];
    }
    expect(seen).toEqual(leafIndexes(all));

    const whole = await cli(['history', citizen.pid]);
    expect(whole.stderr).toBe('');
    const past = await cli(['history', citizen.pid, '--cursor', String(Math.min(...seen))]);
    expect([past.status, past.stdout]).toEqual([0, `No entries in the history of citizen ${citizen.pid} older than that.\n`]);
    const bad = await cli(['history', citizen.pid, '--cursor', 'next']);
    expect(bad.status).toBe(64);
    expect(bad.stderr).toContain('--cursor must be the one an earlier run of history printed');
  });

  it('thaid-emulator history PID prints an agency’s control characters as escapes, so a name cannot drive the terminal or forge a line', async () => {
    const { citizen } = await citizenWithDevice();
    const forger = { agencyId: randomUUID(), th: 'กรม\u001b[2J\u001b]0;title\u0007', en: 'Agency\n2026-01-01T00:00:00.000Z  disclosure', system: 'App\r\u202eppa' };
    await event(citizen.pid, new Date().toISOString(), forger, ['pid'], 'denied');
    const result = await terminal()(['history', citizen.pid]);
    expect(result.status).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    // The enrolment, and the refusal: each on its one line.
    expect(lines).toHaveLength(2);
    expect(result.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f\u202e]/);
    expect(lines[0]).toContain('agency กรม\\u001b[2J\\u001b]0;title\\u0007 (Agency\\n2026-01-01T00:00:00.000Z  disclosure)');
    expect(lines[0]).toContain('system App\\r\\u202eppa [');
  });

  it('explains a bad citizen ID, a bad limit and an unknown citizen', async () => {
    const cli = terminal();
    const badPid = await cli(['history', '1234567890123']);
    expect(badPid.status).toBe(64);
    expect(badPid.stderr).toContain('"1234567890123" is not a valid 13-digit citizen ID');
    // A citizen who never had a phone has no history.
    const citizen = await newCitizen(server);
    for (const limit of ['0', '2.5']) {
      const badLimit = await cli(['history', citizen.pid, '--limit', limit]);
      expect(badLimit.status, limit).toBe(64);
      expect(badLimit.stderr).toContain('--limit must be a whole number from 1 to 1000');
    }
    const none = await cli(['history', citizen.pid]);
    expect([none.status, none.stdout]).toEqual([0, `No entries in the history of citizen ${citizen.pid} yet.\n`]);
    const unknown = '199999999999';
    const missing = await cli(['history', `${unknown}${pidCheckDigit(unknown)}`]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('No citizen with ID');
    expect(missing.stderr).toContain('404 not_found');
  }, 60_000);
});

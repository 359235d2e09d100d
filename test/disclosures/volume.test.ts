import * as oidc from 'openid-client';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findActiveSystem, setSystemStatus } from '../../src/agencies/queries.ts';
import { hashCredential } from '../../src/agencies/client-credentials.ts';
import type { LedgerEntry } from '../../src/disclosures/ledger-entry.ts';
import { appendEntry } from '../../src/disclosures/ledger-queries.ts';
import { volumeChartSvg } from '../../src/disclosures/volume-chart.ts';
import { todayInThailand } from '../../src/disclosures/volume-queries.ts';
import { agencyCounts, staffVolume } from '../../src/disclosures/volume-routes.ts';
import { enrolledDevice, startRelyingPartyLogin } from '../support/browser-login.ts';
import { chromiumPath, launchChromium } from '../support/chromium.ts';
import { newCitizen } from '../support/citizens.ts';
import { basicAuth } from '../support/http.ts';
import { demo, discoverAsDemoClient } from '../support/relying-party.ts';
import { approveSignIn } from '../support/relying-party-apps.ts';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.dispose());

interface Agency {
  agencyId: string;
  clientId: string;
  clientSecret: string;
  name: string;
  nameEn: string;
}

const hostileName = 'กรม <script>alert("x")</script> & Co';

async function registerAgency(name: string, nameEn: string): Promise<Agency> {
  const response = await request(server.url)
    .post('/admin/api/relying-parties')
    .set('authorization', `Bearer ${testAdminToken}`)
    .send({ name, nameEn, systemName: `${nameEn} portal`, redirectUris: ['https://rp.example.test/callback'], scopes: ['pid', 'name', 'address'] })
    .expect(201);
  return { ...(response.body as { agencyId: string; clientId: string; clientSecret: string }), name, nameEn };
}

/** Another system of an agency, added as the registration workflow would: a confidential one unless `public`. */
async function addSystem(agency: Agency, clientId: string, secret: string | null) {
  await server.database.db
    .insertInto('agency_systems')
    .values({
      client_id: clientId,
      agency_id: agency.agencyId,
      name: `${agency.nameEn} ${clientId}`,
      purpose: 'Testing',
      redirect_uris: ['https://rp.example.test/callback'],
      scopes: ['openid', 'pid'],
      token_endpoint_auth_method: secret === null ? 'none' : 'client_secret_basic',
      client_secret_hash: secret === null ? null : hashCredential(secret),
      api_key_hash: null,
    })
    .execute();
}

function entry(agency: Agency, clientId: string, at: string, items: string[], kind: 'disclosure' | 'event' = 'disclosure', pid = '1101700230705'): LedgerEntry {
  const requester = {
    agency: { id: agency.agencyId, th: agency.name, en: agency.nameEn },
    system: { clientId, name: 'system' },
    purpose: 'Testing',
  };
  return kind === 'disclosure'
    ? { kind, at, pid, ...requester, items, endpoint: 'token', api: 'v2', grantId: null, requestId: null }
    : { kind, at, pid, ...requester, items, event: 'approved', loginId: 'login-1', deviceId: 'device-1' };
}

const agencyGet = (path: string, clientId: string, secret: string) => request(server.url).get(path).set('authorization', basicAuth(clientId, secret));
const adminGet = (path: string) => request(server.url).get(path).set('authorization', `Bearer ${testAdminToken}`);

// Citizen IDs in the entries: none may come out of any count.
const citizenIds = ['1101700230705', '3100600123456', '5100400987654'];

let a: Agency;
let b: Agency;
const secondSystem = { clientId: 'agency-a-second-system', secret: 'second-system-secret-0123456789' };

beforeAll(async () => {
  a = await registerAgency(hostileName, 'Agency <A> & "Sons"');
  b = await registerAgency('กรมบี', 'Agency B');
  await addSystem(a, secondSystem.clientId, secondSystem.secret);
  const db = server.database.db;
  // Thai days begin at 17:00 UTC the day before.
  const entries: LedgerEntry[] = [
    entry(a, a.clientId, '2025-02-28T16:59:59.999Z', ['openid', 'pid']), // 28 February in Thailand: outside
    entry(a, a.clientId, '2025-02-28T17:00:00.000Z', ['openid', 'pid', 'name'], 'disclosure', citizenIds[1]), // 1 March, 00:00
    entry(a, a.clientId, '2025-03-01T16:59:59.000Z', ['openid', 'pid']), // 1 March, 23:59:59
    entry(a, secondSystem.clientId, '2025-03-01T17:00:00.000Z', ['openid', 'address'], 'disclosure', citizenIds[2]), // 2 March
    entry(a, a.clientId, '2025-03-01T10:00:00.000Z', ['openid', 'pid', 'name'], 'event'), // an answer, not a disclosure
    entry(a, a.clientId, '2025-03-02T17:00:00.000Z', ['openid']), // 3 March: outside
    entry(b, b.clientId, '2025-03-01T05:00:00.000Z', ['openid', 'pid', 'address']),
    entry(b, b.clientId, '2025-03-02T05:00:00.000Z', ['openid'], 'disclosure', citizenIds[2]),
  ];
  for (const e of entries) await appendEntry(db, e);
});

const march = '?from=2025-03-01&to=2025-03-02';

const expectedA = {
  agency: { id: '', th: hostileName, en: 'Agency <A> & "Sons"' },
  from: '2025-03-01',
  to: '2025-03-02',
  timeZone: 'Asia/Bangkok',
  days: [
    { date: '2025-03-01', item: 'name', count: 1 },
    { date: '2025-03-01', item: 'openid', count: 2 },
    { date: '2025-03-01', item: 'pid', count: 2 },
    { date: '2025-03-02', item: 'address', count: 1 },
    { date: '2025-03-02', item: 'openid', count: 1 },
  ],
  totals: {
    disclosures: 3,
    items: [
      { item: 'address', count: 1 },
      { item: 'name', count: 1 },
      { item: 'openid', count: 3 },
      { item: 'pid', count: 2 },
    ],
  },
};

describe("an agency's counts of its own disclosures", () => {
  it('counts each Thai day and data item, over all the systems of the agency, and nothing else', async () => {
    const response = await agencyGet(`/api/agency/disclosures${march}`, a.clientId, a.clientSecret).expect(200);
    expect(response.body).toEqual({ ...expectedA, agency: { ...expectedA.agency, id: a.agencyId } });
    expect(agencyCounts.parse(response.body)).toEqual(response.body);
    for (const pid of citizenIds) expect(response.text).not.toContain(pid);

    // Any system of the agency reads the same counts, on either address.
    const second = await agencyGet(`/api/agency/disclosures${march}`, secondSystem.clientId, secondSystem.secret).expect(200);
    expect(second.body).toEqual(response.body);
    const byId = await agencyGet(`/api/agencies/${a.agencyId}/disclosures${march}`, a.clientId, a.clientSecret).expect(200);
    expect(byId.body).toEqual(response.body);

    // Agency B sees its own numbers, none of A's.
    const ofB = await agencyGet(`/api/agency/disclosures${march}`, b.clientId, b.clientSecret).expect(200);
    expect(ofB.body).toMatchObject({
      agency: { id: b.agencyId, th: 'กรมบี', en: 'Agency B' },
      days: [
        { date: '2025-03-01', item: 'address', count: 1 },
        { date: '2025-03-01', item: 'openid', count: 1 },
        { date: '2025-03-01', item: 'pid', count: 1 },
        { date: '2025-03-02', item: 'openid', count: 1 },
      ],
      totals: { disclosures: 2 },
    });

    // A range of one day.
    const first = await agencyGet('/api/agency/disclosures?from=2025-03-02&to=2025-03-02', a.clientId, a.clientSecret).expect(200);
    expect(first.body.days).toEqual(expectedA.days.filter((d) => d.date === '2025-03-02'));
  });

  it("refuses another agency's counts, whichever agency id is asked for", async () => {
    const other = await agencyGet(`/api/agencies/${b.agencyId}/disclosures${march}`, a.clientId, a.clientSecret).expect(403);
    expect(other.body).toMatchObject({ error: 'forbidden' });
    expect(other.text).not.toContain('Agency B');
    await agencyGet(`/api/agencies/${a.agencyId}/disclosures${march}`, b.clientId, b.clientSecret).expect(403);
    await agencyGet(`/api/agencies/00000000-0000-0000-0000-000000000000/disclosures${march}`, a.clientId, a.clientSecret).expect(403);
    await agencyGet(`/api/agencies/not-an-id/disclosures${march}`, a.clientId, a.clientSecret).expect(403);
  });

  it('takes only the client credentials of an active, confidential system', async () => {
    const refused = async (req: request.Test) => {
      const response = await req.expect(401);
      expect(response.headers['www-authenticate']).toMatch(/^Basic realm=/);
      expect(response.body.error).toBe('invalid_client');
      expect(response.text).not.toContain('openid');
      return response;
    };
    await refused(agencyGet('/api/agency/disclosures', a.clientId, `${a.clientSecret}x`));
    await refused(agencyGet('/api/agency/disclosures', a.clientId, b.clientSecret));
    await refused(agencyGet(`/api/agencies/${a.agencyId}/disclosures`, a.clientId, 'wrong'));
    await refused(agencyGet('/api/agency/disclosures', 'no-such-client', 'secret'));
    await refused(request(server.url).get('/api/agency/disclosures'));
    await refused(request(server.url).get('/api/agency/disclosures').set('authorization', `Bearer ${a.clientSecret}`));

    // A public client has no secret to prove anything with.
    await addSystem(a, 'agency-a-public-app', null);
    const publicClient = await refused(agencyGet('/api/agency/disclosures', 'agency-a-public-app', ''));
    expect(publicClient.body.error_description).toContain('public client');

    // A suspended system cannot read either.
    await addSystem(a, 'agency-a-suspended', 'suspended-system-secret');
    await agencyGet('/api/agency/disclosures', 'agency-a-suspended', 'suspended-system-secret').expect(200);
    await setSystemStatus(server.database.db, 'agency-a-suspended', 'suspended');
    await refused(agencyGet('/api/agency/disclosures', 'agency-a-suspended', 'suspended-system-secret'));
  });

  it('refuses ranges it cannot answer, saying what to send', async () => {
    const invalid = async (query: string, says: RegExp) => {
      const response = await agencyGet(`/api/agency/disclosures${query}`, a.clientId, a.clientSecret).expect(400);
      expect(response.body.error).toBe('invalid_request');
      expect(response.body.error_description).toMatch(says);
    };
    await invalid('?from=2025-3-1', /from: must be a date written YYYY-MM-DD/);
    await invalid('?from=2025-02-30&to=2025-03-01', /from: is not a day of the calendar/);
    await invalid('?from=2025-03-05&to=2025-03-01', /to: must not be before from \(2025-03-05\)/);
    await invalid('?from=2024-01-01&to=2025-01-01', /367 days; ask for at most 366 days.*to=2024-12-31/);
    // A misspelt parameter is refused, not ignored in favour of the default range.
    await invalid('?form=2025-01-01', /unknown parameter form: the parameters here are from, to/);
    // Given twice, a day is not guessed at.
    await invalid('?from=2025-03-01&to=2025-03-02&to=2025-03-03', /^to: must be given once$/);
    await agencyGet('/api/agency/disclosures?from=2024-01-01&to=2024-12-31', a.clientId, a.clientSecret).expect(200);
    await adminGet('/admin/api/disclosures/volume?from=2025-03-05&to=2025-03-01').expect(400);
    await adminGet('/admin/api/disclosures/volume.svg?to=nonsense').expect(400);
  });

  it('counts the disclosures real sign-ins make, today, for the agency of the system signed in to', async () => {
    const device = await enrolledDevice(server, await newCitizen(server));
    const config = await discoverAsDemoClient(server);
    const rp = await startRelyingPartyLogin(config, demo.redirectUris[0], 'openid pid name');
    const { callback } = await approveSignIn(server, rp.url, device);
    const tokens = await rp.finish(callback.href);
    await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);

    const today = todayInThailand();
    const response = await agencyGet('/api/agency/disclosures', demo.clientId, demo.clientSecret).expect(200);
    const demoAgency = await findActiveSystem(server.database.db, demo.clientId);
    // The default range: the last 30 days, today included.
    expect(response.body).toMatchObject({ agency: { id: demoAgency!.agency_id, en: 'Demo Agency' }, to: today });
    // The token response and the userinfo answer: two disclosures, each of the sign-in, the ID and the name.
    expect(response.body.totals).toEqual({
      disclosures: 2,
      items: [
        { item: 'name', count: 2 },
        { item: 'openid', count: 2 },
        { item: 'pid', count: 2 },
      ],
    });
    expect(response.body.days).toEqual(['name', 'openid', 'pid'].map((item) => ({ date: today, item, count: 2 })));
  });
});

describe("staff's view of every agency", () => {
  it('counts every agency per Thai day, naming no citizen, with the admin token only', async () => {
    const response = await adminGet(`/admin/api/disclosures/volume${march}`).expect(200);
    expect(staffVolume.parse(response.body)).toEqual(response.body);
    expect(response.body).toEqual({
      from: '2025-03-01',
      to: '2025-03-02',
      timeZone: 'Asia/Bangkok',
      total: 5,
      agencies: [
        {
          agency: { id: a.agencyId, th: hostileName, en: 'Agency <A> & "Sons"' },
          total: 3,
          days: [
            { date: '2025-03-01', count: 2 },
            { date: '2025-03-02', count: 1 },
          ],
        },
        {
          agency: { id: b.agencyId, th: 'กรมบี', en: 'Agency B' },
          total: 2,
          days: [
            { date: '2025-03-01', count: 1 },
            { date: '2025-03-02', count: 1 },
          ],
        },
      ],
    });
    for (const pid of citizenIds) expect(response.text).not.toContain(pid);

    const unauthorized = await request(server.url).get('/admin/api/disclosures/volume').expect(401);
    expect(unauthorized.headers['www-authenticate']).toMatch(/^Bearer/);
    await request(server.url).get('/admin/api/disclosures/volume.svg').set('authorization', 'Bearer wrong').expect(401);
    // An agency's own credentials are not staff credentials.
    await request(server.url).get('/admin/api/disclosures/volume').set('authorization', basicAuth(a.clientId, a.clientSecret)).expect(401);
  });

  it('draws the counts as an SVG image in which every name is text', async () => {
    const response = await adminGet(`/admin/api/disclosures/volume.svg${march}`).buffer(true).parse((res, done) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => done(null, text));
    });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^image\/svg\+xml/);
    const svg = response.body as string;
    expect(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).not.toMatch(/<script/i);
    expect(svg).toContain('กรม &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co');
    expect(svg).toContain('Agency B');
    // Nothing to fetch from anywhere.
    expect(svg).not.toMatch(/href|url\(|@import/i);
    for (const pid of citizenIds) expect(svg).not.toContain(pid);
  });
});

describe.skipIf(!chromiumPath)('the chart in Chromium', () => {
  it('parses as XML and shows the agency names as written', async () => {
    const served = await adminGet(`/admin/api/disclosures/volume.svg${march}`)
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => done(null, text));
      });
    // Names no chart may break on: XML's own characters, and characters XML does not allow at all.
    const drawn = volumeChartSvg({
      from: '2025-03-01',
      to: '2025-03-01',
      timeZone: 'Asia/Bangkok',
      agencies: [{ agency: { id: 'x', th: 'bell\u0007 and \uD800 lone', en: "]]> ' <!-- -->" }, total: 1, days: [{ date: '2025-03-01', count: 1 }] }],
    });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      // Runs in the page (the project's types know no DOM, so it is passed as source).
      const inPage = `async (text) => {
        const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
        const image = new Image();
        image.src = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
        const decoded = await image.decode().then(() => image.naturalWidth, () => 0);
        const drawnWith = ['svg', 'title', 'desc', 'rect', 'text', 'g', 'line', 'polyline', 'circle'];
        return {
          parseError: doc.getElementsByTagName('parsererror')[0]?.textContent ?? null,
          root: doc.documentElement.namespaceURI + ' ' + doc.documentElement.localName,
          elements: [...doc.querySelectorAll('*')].map((e) => e.localName).filter((name) => !drawnWith.includes(name)),
          legend: [...doc.querySelectorAll('.legend text')].map((t) => t.textContent),
          decoded,
        };
      }`;
      const read = (svg: string) =>
        page.evaluate(`(${inPage})(${JSON.stringify(svg)})`) as Promise<{
          parseError: string | null;
          root: string;
          elements: string[];
          legend: string[];
          decoded: number;
        }>;

      const chart = await read(served.body as string);
      expect(chart.parseError).toBeNull();
      expect(chart.root).toBe('http://www.w3.org/2000/svg svg');
      expect(chart.elements).toEqual([]);
      expect(chart.legend).toEqual([`${hostileName} · Agency <A> & "Sons" (3)`, 'กรมบี · Agency B (2)']);
      expect(chart.decoded).toBe(960);

      const odd = await read(drawn);
      expect(odd.parseError).toBeNull();
      expect(odd.legend).toEqual(["bell\uFFFD and \uFFFD lone · ]]> ' <!-- --> (1)"]);
      expect(odd.decoded).toBe(960);
    } finally {
      await browser.close();
    }
  });
});

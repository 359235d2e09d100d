import net from 'node:net';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresServerUrl } from '../support/database.ts';
import { demo } from '../support/relying-party.ts';
import { freePort, startTestServer, type TestServer } from '../support/server.ts';

const servers: TestServer[] = [];
afterAll(async () => {
  for (const server of servers) await server.dispose();
});

const tokenRequest = (server: TestServer) =>
  request(server.url)
    .post('/api/v2/oauth2/token/')
    .type('form')
    .send({ grant_type: 'authorization_code', code: 'x', redirect_uri: demo.redirectUris[0], client_id: demo.clientId, client_secret: demo.clientSecret });

describe('health endpoints', () => {
  it('report a live and ready server', async () => {
    const server = await startTestServer();
    servers.push(server);
    expect((await request(server.url).get('/healthz').expect(200)).body).toEqual({ status: 'ok' });
    expect((await request(server.url).get('/readyz').expect(200)).body).toEqual({ status: 'ready' });
  });
});

/** A TCP relay to the real PostgreSQL server that the test can cut and restore, as a network fault would. */
async function startRelay(target: URL, port: number) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((incoming) => {
    const outgoing = net.connect(Number(target.port || 5432), target.hostname);
    for (const s of [incoming, outgoing]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    incoming.pipe(outgoing).pipe(incoming);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    cut: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function eventually(check: () => Promise<void>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

describe.skipIf(!postgresServerUrl)('when PostgreSQL becomes unreachable while the server runs', () => {
  it('answers 503 with a clear error, and recovers without a restart', async () => {
    const testDatabase = await createTestDatabase();
    const real = new URL(testDatabase.databaseUrl!);
    const relayPort = await freePort();
    let relay = await startRelay(real, relayPort);
    const throughRelay = new URL(real);
    throughRelay.hostname = '127.0.0.1';
    throughRelay.port = String(relayPort);
    const server = await startTestServer({
      testDatabase: { ...testDatabase, databaseUrl: throughRelay.href },
    });
    servers.push({ ...server, dispose: async () => { await server.stop(); await testDatabase.drop(); } });
    expect((await tokenRequest(server).expect(400)).body.error).toBe('invalid_grant');

    await relay.cut();

    await request(server.url).get('/healthz').expect(200);
    const ready = await request(server.url).get('/readyz').expect(503);
    expect(ready.body.status).toBe('unavailable');
    const token = await tokenRequest(server).expect(503);
    expect(token.body).toMatchObject({ error: 'temporarily_unavailable' });
    expect(token.headers['retry-after']).toBe('5');
    const page = await request(server.url)
      .get(`/api/v2/oauth2/auth/?client_id=${demo.clientId}&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(demo.redirectUris[0])}`)
      .set('accept', 'text/html')
      .expect(503);
    expect(page.text).toContain('temporarily unavailable');
    expect(page.text).not.toMatch(/at .*\.(ts|js):\d+/);

    relay = await startRelay(real, relayPort);

    await eventually(async () => {
      await request(server.url).get('/readyz').expect(200);
    });
    expect((await tokenRequest(server).expect(400)).body.error).toBe('invalid_grant');
    await relay.cut();
  });
});

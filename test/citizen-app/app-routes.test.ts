import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPersonas } from '../../src/registry/personas.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.dispose());

/** A PNG's width and height, from its header. */
const pngSize = (png: Buffer) => ({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) });

describe('the ThaID app under /app', () => {
  it('answers every app address with the same page, whose script and styles come from the server itself', async () => {
    await request(server.url).get('/app').expect(301).expect('location', '/app/');
    const page = await request(server.url).get('/app/').expect(200).expect('content-type', /html/);
    const opened = await request(server.url).get('/app/login/abc_DEF-123?m=0123456789abcdef').expect(200);
    expect(opened.text).toBe(page.text);
    expect(page.headers['content-security-policy']).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob: mediastream:; " +
        "connect-src 'self'; manifest-src 'self'; worker-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
    // Nothing is loaded from another origin: every address the page names is the server's own.
    const addresses = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(addresses.length).toBeGreaterThan(3);
    for (const address of addresses) expect(address).toMatch(/^\/app\//);
    const script = addresses.find((address) => address.startsWith('/app/app.js'))!;
    await request(server.url).get(script).expect(200).expect('content-type', /javascript/);
  });

  it("lists the demo personas' published card data in the page, for enrolment with one tap", async () => {
    const page = await request(server.url).get('/app/').expect(200);
    const json = /<script type="application\/json" id="demo-personas">([^<]*)<\/script>/.exec(page.text)![1]!;
    const personas = JSON.parse(json) as { pid: string; laserCode: string }[];
    expect(personas.map((persona) => persona.pid)).toEqual(demoPersonas.map((persona) => persona.pid));
    expect(personas[0]!.laserCode).toBe(demoPersonas[0]!.laserCode);
  });

  it('is installable: a manifest with PNG icons of 192 and 512 pixels, and a service worker in the app’s scope', async () => {
    const manifest = (await request(server.url).get('/app/manifest.webmanifest').expect(200).expect('content-type', /manifest\+json/)).body as {
      start_url: string;
      scope: string;
      display: string;
      icons: { src: string; sizes: string }[];
    };
    expect(manifest.scope).toBe('/app/');
    expect(manifest.display).toBe('standalone');
    for (const icon of manifest.icons) {
      const png = (await request(server.url).get(icon.src).buffer(true).expect(200).expect('content-type', 'image/png')).body as Buffer;
      const { width, height } = pngSize(png);
      expect(`${width}x${height}`).toBe(icon.sizes);
    }
    const worker = await request(server.url).get('/app/service-worker.js').expect(200).expect('content-type', /javascript/);
    expect(worker.headers['cache-control']).toBe('no-cache');
    expect(worker.text).toContain('/app/app.css');
  });

  it('refuses an app link that no sign-in could have', async () => {
    const refused = await request(server.url).get('/app/login/%3Cscript%3E').expect(404);
    expect(refused.text).not.toContain('<script>');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserContextOf, networkOf } from '../../src/login/browser-context.ts';
import { appLinkOf, enrolledDevice, startRelyingPartyLogin } from '../support/browser-login.ts';
import { newCitizen } from '../support/citizens.ts';
import { demo, discoverAsDemoClient } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const windowsChrome = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const iPhoneSafari =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

describe('the browser context a phone is shown', () => {
  it('names the kind of device, the browser and the system by major version, and nothing finer', () => {
    expect(browserContextOf(windowsChrome, '203.0.113.77')).toEqual({ device: 'desktop', browser: 'Chrome 131', os: 'Windows 10', network: '203.0.113.0/24' });
    expect(browserContextOf(iPhoneSafari, '198.51.100.9')).toEqual({ device: 'mobile', browser: 'Safari 17', os: 'iOS 17', network: '198.51.100.0/24' });
  });

  it('says what it cannot tell rather than guess', () => {
    expect(browserContextOf('', '192.0.2.1')).toEqual({ device: 'unknown', browser: '', os: '', network: '192.0.2.0/24' });
    expect(browserContextOf('curl/8.5.0', '').network).toBe('');
  });

  it('gives the network of an address, never the address itself', () => {
    expect(networkOf('::ffff:10.1.2.3')).toBe('10.1.2.0/24');
    expect(networkOf('2001:db8:abcd:12::1')).toBe('2001:db8:abcd::/48');
    expect(networkOf('2001:db8::1')).toBe('2001:db8:0::/48');
    expect(networkOf('not an address')).toBe('');
  });
});

describe('a scan', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.dispose());

  it('tells the phone which browser started the sign-in, from where and when', async () => {
    const rp = await startRelyingPartyLogin(await discoverAsDemoClient(server), demo.redirectUris[0], 'openid pid');
    const startedAt = Date.now();
    const page = await fetch(`${server.url}${rp.url.pathname}${rp.url.search}`, { headers: { 'user-agent': windowsChrome } });
    const device = await enrolledDevice(server, await newCitizen(server));

    const shown = await device.scan(appLinkOf(await page.text())!);

    expect(shown.browser).toEqual({ device: 'desktop', browser: 'Chrome 131', os: 'Windows 10', network: '127.0.0.0/24' });
    expect(Math.abs(Date.parse(shown.requestedAt) - startedAt)).toBeLessThan(10_000);
  });
});

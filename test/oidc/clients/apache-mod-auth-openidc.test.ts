import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { VirtualDevice } from '../../../src/devices/virtual-device.ts';
import { demoPersonas } from '../../../src/registry/personas.ts';
import { apacheWithOidc, startApache, type RunningApache } from '../../support/apache.ts';
import { enrolledDevice, testPin } from '../../support/browser-login.ts';
import { chromiumPath, launchChromium } from '../../support/chromium.ts';
import { createRelyingParty } from '../../support/relying-party.ts';
import { freePort, startTestServer, type TestServer } from '../../support/server.ts';

const citizen = demoPersonas[0]!;

/** The protected page: a CGI script printing the claims mod_auth_openidc hands to the application. */
const whoami = `#!/bin/sh
printf 'Content-Type: text/plain; charset=utf-8\\n\\n'
printf 'pid=%s\\n' "$OIDC_CLAIM_pid"
printf 'name=%s\\n' "$OIDC_CLAIM_name"
`;

describe.skipIf(!apacheWithOidc || !chromiumPath)('Apache httpd with mod_auth_openidc as the relying party', () => {
  let server: TestServer;
  let apache: RunningApache;
  let browser: Browser;
  let device: VirtualDevice;

  beforeAll(async () => {
    server = await startTestServer();
    const port = await freePort();
    const redirectUri = `http://127.0.0.1:${port}/protected/redirect_uri`;
    const rp = await createRelyingParty(server, { name: 'Apache test agency', redirectUris: [redirectUri], scopes: ['pid', 'name'] });
    apache = await startApache({
      port,
      modules: ['authz_user', 'alias', 'cgi', 'auth_openidc'],
      files: { 'whoami.cgi': whoami },
      config: `
        OIDCProviderMetadataURL ${server.issuer}/.well-known/openid-configuration
        OIDCClientID ${rp.clientId}
        OIDCClientSecret ${rp.clientSecret}
        OIDCRedirectURI ${redirectUri}
        OIDCProviderTokenEndpointAuth client_secret_basic
        OIDCPKCEMethod S256
        OIDCScope "openid pid name"
        OIDCCryptoPassphrase apache-test-passphrase-0123456789
        OIDCPassClaimsAs environment
        # The provider is plain HTTP on loopback here.
        OIDCSSLValidateServer Off
        LogLevel warn auth_openidc:info

        ScriptAliasMatch ^/protected/$ "\${root}/whoami.cgi"
        <Location /protected/>
          AuthType openid-connect
          Require valid-user
        </Location>
      `,
    });
    browser = await launchChromium();
    device = await enrolledDevice(server, citizen);
  });
  afterAll(async () => {
    await browser?.close();
    await apache?.stop();
    await server?.dispose();
  });

  it('signs the citizen in through the ThaID login page and shows the pid and Thai name on the protected page', async () => {
    onTestFailed(() => console.log(`Apache's error log:\n${apache.errorLog()}`));
    const page = await browser.newPage();
    const toProvider: string[] = [];
    page.on('request', (request) => {
      if (request.url().startsWith(server.issuer)) toProvider.push(request.url());
    });

    // mod_auth_openidc sends the browser to the authorization endpoint, which answers with the login page.
    await page.goto(`${apache.url}/protected/`);
    expect(page.url().startsWith(`${server.issuer}/api/v2/oauth2/auth/`)).toBe(true);
    const appLink = (await page.getAttribute('a.app-link', 'href'))!;
    const asked = await device.scan(appLink);
    expect(asked.dataItems.map((item) => item.scope)).toEqual(expect.arrayContaining(['pid', 'name']));
    await device.approve(asked.id, Number(await page.textContent('.match-number')), testPin);

    // The page follows the approval to the redirect URI; mod_auth_openidc redeems the code and returns to the page.
    await page.waitForURL(`${apache.url}/protected/`);
    const shown = (await page.textContent('body'))!;
    expect(shown).toContain(`pid=${citizen.pid}\n`);
    expect(shown).toContain(`name=${citizen.givenNameTh} ${citizen.familyNameTh}\n`);

    // The session is Apache's now: loading the page again does not go back to the provider.
    const providerRequests = toProvider.length;
    await page.goto(`${apache.url}/protected/`);
    expect(await page.textContent('body')).toContain(`pid=${citizen.pid}\n`);
    expect(toProvider.length).toBe(providerRequests);
    await page.close();
  });
});

import * as oidc from 'openid-client';
import request from 'supertest';
import { demoRelyingParty } from '../../src/demo/demo-data.ts';
import { testAdminToken, type TestServer } from './server.ts';

export const demo = demoRelyingParty;

/** An openid-client Configuration for the demo relying party, found through discovery as an integration would. */
export async function discoverAsDemoClient(server: TestServer, discoveryUrl = server.issuer): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(discoveryUrl), demo.clientId, demo.clientSecret, oidc.ClientSecretBasic(demo.clientSecret), {
    execute: [oidc.allowInsecureRequests],
  });
}

export interface CreatedRelyingParty {
  agencyId: string;
  clientId: string;
  clientSecret?: string;
  apiKey: string;
  redirectUris: string[];
  scopes: string[];
  profile: 'thaid' | 'strict';
  idTokenAlg: 'RS256' | 'ES256';
}

/** Registers a relying party through the admin API, as `thaid-emulator rp create` does. */
export async function createRelyingParty(
  server: TestServer,
  body: {
    name?: string;
    redirectUris?: string[];
    scopes?: string[];
    publicClient?: boolean;
    profile?: 'thaid' | 'strict';
    idTokenAlg?: 'RS256' | 'ES256';
  } = {},
): Promise<CreatedRelyingParty> {
  const response = await request(server.url)
    .post('/admin/api/relying-parties')
    .set('authorization', `Bearer ${testAdminToken}`)
    .send({ name: 'Test Agency', redirectUris: ['https://rp.example.test/callback'], scopes: ['pid', 'name'], ...body })
    .expect(201);
  return response.body as CreatedRelyingParty;
}

export function authorizationUrl(server: TestServer, params: Record<string, string>, path = '/api/v2/oauth2/auth/'): string {
  return `${path}?${new URLSearchParams({ response_type: 'code', scope: 'openid', state: 'state-1', ...params })}`;
}

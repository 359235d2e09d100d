import type { Config } from '../config/config.ts';
import { adminTokenFile, readAdminToken } from '../admin/admin-token.ts';
import { CliError } from './cli-error.ts';

/** The admin token a CLI command uses, or a CliError saying where it is looked for. */
export function adminTokenFor(config: Config): string {
  const token = readAdminToken(config.dataDir, config.adminToken);
  if (!token) {
    throw new CliError(
      `No admin token in ${adminTokenFile(config.dataDir)}: set DATA_DIR to the one the server was started with ` +
        '(the server writes its admin-token there on its first start), or set ADMIN_TOKEN.',
    );
  }
  return token;
}

/**
 * Why the server at `baseUrl` could not be asked: its certificate not trusted (HTTPS), or nothing answering. fetch
 * puts the reason in its error's cause.
 */
function unreachable(baseUrl: string, error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(cause.code)) {
    return `The server at ${baseUrl} answers, but its certificate is not trusted (${cause.message ?? cause.code}). With TLS=self-signed, run this command with the same TLS and DATA_DIR as the server; with a certificate of your own CA, set NODE_EXTRA_CA_CERTS to that CA's file.`;
  }
  return `No server answers at ${baseUrl}${cause?.message ? ` (${cause.message})` : ''}. Start it with "npm start", or set ISSUER to the URL it runs at.`;
}

/** Talks to the running server's admin API, found through ISSUER, with the admin token. */
export class AdminClient {
  readonly #baseUrl: string;
  readonly #token: string;

  constructor(config: Config) {
    this.#baseUrl = config.issuer;
    this.#token = adminTokenFor(config);
  }

  async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    return this.#send<T>(method, `/admin/api${path}`, body, true);
  }

  /** A GET of one of the server's public endpoints (the ledger's proofs, the JWKS), sent without the token. */
  async requestPublic<T>(path: string): Promise<T> {
    return this.#send<T>('GET', path, undefined, false);
  }

  async #send<T>(method: 'GET' | 'POST', path: string, body: unknown, withToken: boolean): Promise<T> {
    const url = `${this.#baseUrl}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          ...(withToken ? { authorization: `Bearer ${this.#token}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new CliError(unreachable(this.#baseUrl, error));
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new CliError(`The server at ${this.#baseUrl} answered ${response.status} without JSON; is ISSUER right?`);
    }
    if (!response.ok) {
      const { error, error_description: description } = json as { error?: string; error_description?: string };
      throw new CliError(`${description ?? 'Request failed'} (${response.status} ${error ?? ''})`.trim());
    }
    return json as T;
  }
}

import { randomBytes, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import type { HistoryEntry } from '../disclosures/history-entry.ts';
import type { LoginShownOnDevice } from '../login/device-answers.ts';
import type { ConnectedService } from './connected-services.ts';
import type { Enrolment, IdentityProof } from './enrolment.ts';
import type { IntegrityVerdict } from './integrity.ts';
import { es256PrivateKey, newEs256PrivateJwk, signEs256 } from './device-jws.ts';
import { bodyDigest, signatureScheme, signatureType } from './request-signature.ts';
import { deviceApiPrefix } from './paths.ts';
import { NotificationStream } from './virtual-device-stream.ts';

/** A refusal from the device API, with its OAuth-style code. */
export class DeviceApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** From Retry-After, when the server said when to come back (a limit, a busy moment). */
  readonly retryAfterSeconds: number | undefined;
  constructor(status: number, code: string, message: string, retryAfterSeconds?: number) {
    super(message);
    this.name = 'DeviceApiError';
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The history's filters and page (see GET /device/v1/history). */
export interface HistoryQuery {
  limit?: number;
  cursor?: string;
  /** An agency ID. */
  agency?: string;
  /** A data item by its scope name. */
  item?: string;
  /** A date (YYYY-MM-DD, in Thailand) or a date-time with its offset. */
  from?: string;
  to?: string;
}

/** What a virtual device keeps between runs (the CLI writes it to a file). */
export interface VirtualDeviceState {
  issuer: string;
  privateJwk: JWK;
  deviceId?: string;
  pid?: string;
  name: string;
}

/**
 * A programmable ThaID device: a client of the device API that signs its requests like the phone app does.
 * Tests, benchmarks and the CLI use it; relying-party developers approve logins with it from a terminal.
 */
export class VirtualDevice {
  readonly state: VirtualDeviceState;
  #key: KeyObject | undefined;

  private constructor(state: VirtualDeviceState) {
    this.state = state;
  }

  static async create(issuer: string, name = 'Virtual device'): Promise<VirtualDevice> {
    return new VirtualDevice({ issuer: issuer.replace(/\/+$/, ''), privateJwk: newEs256PrivateJwk(), name });
  }

  static fromState(state: VirtualDeviceState): VirtualDevice {
    return new VirtualDevice({ ...state, issuer: state.issuer.replace(/\/+$/, '') });
  }

  get deviceId(): string | undefined {
    return this.state.deviceId;
  }

  async enrol(request: { proof: IdentityProof; pin: string; integrity?: IntegrityVerdict }): Promise<Enrolment> {
    const enrolment = await this.#send<Enrolment>('POST', '/enrolments', {
      name: this.state.name,
      pin: request.pin,
      integrity: request.integrity ?? 'intact',
      proof: request.proof,
    }, 'enrolment');
    this.state.deviceId = enrolment.deviceId;
    this.state.pid = enrolment.pid;
    return enrolment;
  }

  /**
   * What the sandbox camera films for this device's self-service enrolment of a demo persona: the citizen's own
   * face ('pass') or someone else's ('fail'), as the phone app asks for it.
   */
  async sandboxFace(pid: string, face: 'pass' | 'fail'): Promise<string> {
    return (await this.#send<{ faceSample: string }>('POST', '/sandbox-camera', { pid, face }, 'enrolment')).faceSample;
  }

  /** Reads a QR code's app link or a typed short code; the request is then this device's to answer. */
  scan(code: string): Promise<LoginShownOnDevice> {
    return this.#send('POST', '/logins/scan', { code });
  }

  /** Approves with the number the sign-in screen shows (one of the scan's numberChoices) and the PIN. */
  approve(loginId: string, number: number, pin: string, integrity: IntegrityVerdict = 'intact'): Promise<LoginShownOnDevice> {
    return this.#send('POST', `/logins/${encodeURIComponent(loginId)}/approve`, { number, pin, integrity });
  }

  deny(loginId: string): Promise<{ id: string; status: string }> {
    return this.#send('POST', `/logins/${encodeURIComponent(loginId)}/deny`, {});
  }

  /** "This wasn't me": a sign-in this device scanned, which the citizen did not start. */
  report(loginId: string): Promise<{ id: string; status: string; grantEnded: boolean }> {
    return this.#send('POST', `/logins/${encodeURIComponent(loginId)}/report`, {});
  }

  changePin(currentPin: string, newPin: string): Promise<{ changed: true }> {
    return this.#send('POST', '/pin', { currentPin, newPin });
  }

  me(): Promise<{ deviceId: string; name: string; enrolledAt: string; method: 'self' | 'office'; pinAttemptsLeft: number; citizen: unknown }> {
    return this.#send('GET', '/me');
  }

  /** The systems the citizen has consented to, with the data items granted (GET /connected-services). */
  connectedServices(): Promise<{ services: ConnectedService[] }> {
    return this.#send('GET', '/connected-services');
  }

  /** Withdraws the citizen's consent from a system: its grants, codes and tokens end at once. */
  /** Removes ThaID from this device (DELETE /me): it stops being the citizen's device at once. */
  remove(): Promise<{ removed: true }> {
    return this.#send('DELETE', '/me');
  }

  withdrawService(clientId: string): Promise<{ clientId: string; withdrawn: true; grantsEnded: number }> {
    return this.#send('DELETE', `/connected-services/${encodeURIComponent(clientId)}`);
  }

  notifications(): Promise<{ notifications: { kind: string; th: string; en: string; details: Record<string, unknown> }[] }> {
    return this.#send('GET', '/notifications');
  }

  /** The citizen's history, newest first, a page at a time; filters stay the same when following nextCursor. */
  history(query: HistoryQuery = {}): Promise<{ entries: HistoryEntry[]; nextCursor: string | null }> {
    const search = new URLSearchParams(Object.entries(query).flatMap(([name, value]) => (value === undefined ? [] : [[name, String(value)] as [string, string]])));
    return this.#send('GET', `/history${search.size ? `?${search}` : ''}`);
  }

  /** The citizen's whole history as the download an app would save: its media type, Content-Disposition and text. */
  async exportHistory(format: 'json' | 'csv' = 'json'): Promise<{ contentType: string; disposition: string; body: string }> {
    const { url, init } = await this.signedRequest('GET', `/history/export?format=${format}`, undefined);
    const response = await fetch(url, init);
    const body = await response.text();
    if (!response.ok) {
      let refusal: { error?: unknown; error_description?: unknown } = {};
      try {
        refusal = JSON.parse(body) as typeof refusal;
      } catch {
        // Not JSON: the status says it.
      }
      throw new DeviceApiError(response.status, String(refusal.error ?? 'error'), String(refusal.error_description ?? 'The request failed.'));
    }
    return { contentType: response.headers.get('content-type') ?? '', disposition: response.headers.get('content-disposition') ?? '', body };
  }

  /**
   * Opens the live stream of the citizen's new notices (GET /notifications/stream), resuming after
   * `lastEventId` when given. Resolves once the server accepted it; refusals throw DeviceApiError.
   */
  async openNotificationStream(options: { lastEventId?: string } = {}): Promise<NotificationStream> {
    const { url, init } = await this.signedRequest('GET', '/notifications/stream', undefined);
    const abort = new AbortController();
    const headers: Record<string, string> = { ...init.headers, accept: 'text/event-stream' };
    if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
    const response = await fetch(url, { ...init, headers, signal: abort.signal });
    if (!response.ok || !response.body) {
      const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
      throw new DeviceApiError(response.status, String(json.error ?? 'error'), String(json.error_description ?? 'The stream was refused.'));
    }
    return new NotificationStream(response.body, abort);
  }

  /**
   * A signed request as the device would send it; exposed so tests can replay or tamper with one, or sign it
   * at another time or with another nonce.
   */
  async signedRequest(
    method: string,
    path: string,
    body: unknown,
    mode: 'device' | 'enrolment' = 'device',
    override: { iat?: number; nonce?: string } = {},
  ) {
    const url = `${this.state.issuer}${deviceApiPrefix}${path}`;
    const raw = body === undefined ? '' : JSON.stringify(body);
    const { d: _private, ...publicJwk } = this.state.privateJwk;
    this.#key ??= es256PrivateKey(this.state.privateJwk);
    const payload = {
      htm: method,
      htu: `${new URL(url).pathname}${new URL(url).search}`,
      bd: bodyDigest(raw),
      iat: override.iat ?? Math.floor(Date.now() / 1000),
      nonce: override.nonce ?? randomBytes(16).toString('base64url'),
    };
    const header = mode === 'enrolment' ? { typ: signatureType, jwk: publicJwk } : { typ: signatureType, kid: this.requireDeviceId() };
    const jws = signEs256(header, payload, this.#key);
    return {
      url,
      init: {
        method,
        headers: { authorization: `${signatureScheme} ${jws}`, ...(raw ? { 'content-type': 'application/json' } : {}) },
        ...(raw ? { body: raw } : {}),
      } satisfies RequestInit,
    };
  }

  requireDeviceId(): string {
    if (!this.state.deviceId) throw new Error('This virtual device is not enrolled yet');
    return this.state.deviceId;
  }

  async #send<T>(method: string, path: string, body?: unknown, mode: 'device' | 'enrolment' = 'device'): Promise<T> {
    const { url, init } = await this.signedRequest(method, path, body, mode);
    const response = await fetch(url, init);
    const text = await response.text();
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new DeviceApiError(response.status, 'invalid_response', `The server answered ${response.status} without JSON.`);
    }
    if (!response.ok) {
      const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN);
      throw new DeviceApiError(
        response.status,
        String(json.error ?? 'error'),
        String(json.error_description ?? 'The request failed.'),
        Number.isFinite(retryAfter) ? retryAfter : undefined,
      );
    }
    return json as T;
  }
}

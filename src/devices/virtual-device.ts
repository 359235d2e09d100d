import { randomBytes, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import type { LoginShownOnDevice } from '../login/transactions.ts';
import type { Enrolment, IdentityProof } from './enrolment.ts';
import type { IntegrityVerdict } from './integrity.ts';
import { es256PrivateKey, newEs256PrivateJwk, signEs256 } from './device-jws.ts';
import { bodyDigest, signatureScheme, signatureType } from './request-signature.ts';
import { deviceApiPrefix } from './paths.ts';

/** A refusal from the device API, with its OAuth-style code. */
export class DeviceApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'DeviceApiError';
    this.status = status;
    this.code = code;
  }
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

  /** Reads a QR code's app link or a typed short code; the request is then this device's to answer. */
  scan(code: string): Promise<LoginShownOnDevice> {
    return this.#send('POST', '/logins/scan', { code });
  }

  approve(loginId: string, pin: string, integrity: IntegrityVerdict = 'intact'): Promise<LoginShownOnDevice> {
    return this.#send('POST', `/logins/${encodeURIComponent(loginId)}/approve`, { pin, integrity });
  }

  deny(loginId: string): Promise<{ id: string; status: string }> {
    return this.#send('POST', `/logins/${encodeURIComponent(loginId)}/deny`, {});
  }

  changePin(currentPin: string, newPin: string): Promise<{ changed: true }> {
    return this.#send('POST', '/pin', { currentPin, newPin });
  }

  me(): Promise<{ deviceId: string; citizen: unknown }> {
    return this.#send('GET', '/me');
  }

  notifications(): Promise<{ notifications: { kind: string; th: string; en: string; details: Record<string, unknown> }[] }> {
    return this.#send('GET', '/notifications');
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
      throw new DeviceApiError(response.status, String(json.error ?? 'error'), String(json.error_description ?? 'The request failed.'));
    }
    return json as T;
  }
}

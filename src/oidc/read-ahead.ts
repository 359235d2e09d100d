import type { AdapterPayload } from 'oidc-provider';

/** The request a storage call belongs to, if any: an object that stays the same for the whole request. */
export type CurrentRequest = () => object | undefined;

/**
 * Payloads the storage read together with another one, kept for the rest of the same request only.
 * A token names its grant (and its client), and the provider looks them up right after the token; reading them
 * in the token's own statement saves those round trips. Each entry serves one lookup and a write drops it, so
 * nothing is served that the request itself changed, and nothing outlives the request: a client suspended
 * after this request is refused by the next one. A request is the whole HTTP request, the provider's part and
 * our routes' alike: the login page reads an answered interaction, and the provider then resumes it.
 */
export class ReadAhead {
  readonly #current: CurrentRequest;
  readonly #byRequest = new WeakMap<object, Map<string, AdapterPayload>>();

  constructor(current: CurrentRequest) {
    this.#current = current;
  }

  /** Whether a request is under way to keep payloads for. */
  get active(): boolean {
    return this.#current() !== undefined;
  }

  keep(model: string, id: string, payload: AdapterPayload): void {
    const request = this.#current();
    if (!request) return;
    let kept = this.#byRequest.get(request);
    if (!kept) this.#byRequest.set(request, (kept = new Map()));
    kept.set(`${model}:${id}`, payload);
  }

  take(model: string, id: string): AdapterPayload | undefined {
    const request = this.#current();
    const kept = request && this.#byRequest.get(request);
    const key = `${model}:${id}`;
    const payload = kept?.get(key);
    if (payload) kept!.delete(key);
    return payload;
  }

  forget(model: string, id?: string): void {
    const request = this.#current();
    const kept = request && this.#byRequest.get(request);
    if (!kept) return;
    if (id === undefined) {
      for (const key of kept.keys()) if (key.startsWith(`${model}:`)) kept.delete(key);
    } else {
      kept.delete(`${model}:${id}`);
    }
  }
}

/** The authorization code a token request redeems, if the provider request under way (its context) is one. */
export function codeRedeemedBy(providerRequest: object | undefined): string | undefined {
  const oidc = (providerRequest as { oidc?: { route?: string; params?: Record<string, unknown> } } | undefined)?.oidc;
  if (oidc?.route !== 'token' || oidc.params?.grant_type !== 'authorization_code') return undefined;
  return typeof oidc.params.code === 'string' ? oidc.params.code : undefined;
}

import type { Middleware } from 'koa';
import mount from 'koa-mount';
import type Provider from 'oidc-provider';

/**
 * Holds the running provider. Signing keys are fixed when a provider is built, so rotating them builds a new
 * one and swaps it in; requests already in flight finish on the old one.
 */
export class ProviderHost {
  readonly #build: () => Promise<Provider>;
  #provider: Provider;
  #mounted: Middleware;
  #reloads: Promise<void> = Promise.resolve();

  private constructor(build: () => Promise<Provider>, provider: Provider) {
    this.#build = build;
    this.#provider = provider;
    this.#mounted = mount(provider as never);
  }

  static async create(build: () => Promise<Provider>): Promise<ProviderHost> {
    return new ProviderHost(build, await build());
  }

  get provider(): Provider {
    return this.#provider;
  }

  readonly middleware: Middleware = (ctx, next) => this.#mounted(ctx, next);

  /**
   * Builds a provider with the keys as they are now and swaps it in. Reloads take turns: one that read older keys
   * (a rotation announced while it was building) must not be swapped in after one that read newer.
   */
  reload(): Promise<void> {
    const reloaded = this.#reloads.then(() => this.#swap());
    this.#reloads = reloaded.catch(() => {});
    return reloaded;
  }

  async #swap(): Promise<void> {
    const provider = await this.#build();
    this.#provider = provider;
    this.#mounted = mount(provider as never);
  }
}

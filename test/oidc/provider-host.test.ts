import type Provider from 'oidc-provider';
import { describe, expect, it } from 'vitest';
import { ProviderHost } from '../../src/oidc/provider-host.ts';

describe('the provider host', () => {
  it('ends with the provider of the reload asked last, even when one asked before it takes longer', async () => {
    // Each build reads the signing keys as they are when it starts: its number stands for them.
    let builds = 0;
    let releaseSlow!: () => void;
    const slow = new Promise<void>((resolve) => (releaseSlow = resolve));
    const host = await ProviderHost.create(async () => {
      const keysRead = ++builds;
      if (keysRead === 2) await slow;
      return { keysRead, middleware: [] } as unknown as Provider;
    });
    // A rotation's announcement reloads while an earlier reload, which read the keys before it, is still building.
    const earlier = host.reload();
    const later = host.reload();
    await new Promise((resolve) => setTimeout(resolve, 20));
    releaseSlow();
    await Promise.all([earlier, later]);
    expect((host.provider as unknown as { keysRead: number }).keysRead).toBe(3);
  });

  it('goes on reloading after a reload failed', async () => {
    let builds = 0;
    const host = await ProviderHost.create(async () => {
      builds++;
      if (builds === 2) throw new Error('the database is away');
      return { builds, middleware: [] } as unknown as Provider;
    });
    await expect(host.reload()).rejects.toThrow('the database is away');
    await host.reload();
    expect((host.provider as unknown as { builds: number }).builds).toBe(3);
  });
});

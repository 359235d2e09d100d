import net from 'node:net';
import Bowser from 'bowser';
import { ipv6Groups, unmappedAddress } from '../http/addresses.ts';

/**
 * What the citizen's phone may show about the browser that started a sign-in, so they can tell whether it is
 * theirs: the kind of device, the browser and system by name and major version, and the network it came from
 * (its address with the host part cut off). Coarse on purpose: enough to notice a stranger's request, not a
 * fingerprint of the citizen's own computer.
 */
export interface BrowserContext {
  device: 'desktop' | 'mobile' | 'tablet' | 'tv' | 'bot' | 'unknown';
  /** Such as "Chrome 131"; empty when the browser did not say. */
  browser: string;
  /** Such as "Windows 10" or "iOS 17". */
  os: string;
  /** An IPv4 /24 or IPv6 /48, such as 203.0.113.0/24. */
  network: string;
}

const deviceKinds = new Set<BrowserContext['device']>(['desktop', 'mobile', 'tablet', 'tv', 'bot']);

const named = (name: string | undefined, version: string | undefined) =>
  [name, version?.split(/[._ ]/)[0]].filter(Boolean).join(' ');

/** The network part of a client address: the first three octets of IPv4, the first three groups of IPv6. */
export function networkOf(address: string): string {
  const v4 = unmappedAddress(address);
  if (net.isIPv4(v4)) return `${v4.split('.').slice(0, 3).join('.')}.0/24`;
  if (!net.isIPv6(address)) return '';
  return `${ipv6Groups(address).slice(0, 3).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/48`;
}

export function browserContextOf(userAgent: string, address: string): BrowserContext {
  const parsed = userAgent.trim() ? Bowser.parse(userAgent.slice(0, 512)) : undefined;
  const kind = parsed?.platform.type as BrowserContext['device'] | undefined;
  return {
    device: kind && deviceKinds.has(kind) ? kind : 'unknown',
    browser: named(parsed?.browser.name, parsed?.browser.version),
    os: named(parsed?.os.name, parsed?.os.versionName ?? parsed?.os.version),
    network: networkOf(address),
  };
}

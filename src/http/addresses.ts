import net from 'node:net';

/** An IPv4 address as IPv6 writes it (::ffff:192.0.2.1) is the IPv4 address. */
export const unmappedAddress = (address: string) => (address.startsWith('::ffff:') && net.isIPv4(address.slice(7)) ? address.slice(7) : address);

/** The eight groups of an IPv6 address, "::" written out ("2001:db8::1" → 2001, db8, 0, 0, 0, 0, 0, 1). */
export function ipv6Groups(address: string): string[] {
  if (!address.includes('::')) return address.split(':');
  const [head = '', tail = ''] = address.split('::');
  const heads = head ? head.split(':') : [];
  const tails = tail ? tail.split(':') : [];
  return [...heads, ...Array<string>(8 - heads.length - tails.length).fill('0'), ...tails];
}

import { isIPv4, isIPv6 } from 'node:net';

function expandIPv6(ip: string): string[] {
  const [head, tail] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array(8 - left.length - right.length).fill('0');
  return [...left, ...fill, ...right].map((h) => h.toLowerCase().replace(/^0+(?=.)/, ''));
}

/**
 * The rate-limit key of a client address. IPv4 (and IPv4-mapped IPv6) is the address itself;
 * IPv6 is its /64, since one subscriber usually holds a whole /64 and could rotate through it.
 */
export function clientKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  if (ip.startsWith('::ffff:') && isIPv4(ip.slice(7))) return ip.slice(7);
  if (isIPv6(ip) && !ip.includes('.')) return `${expandIPv6(ip).slice(0, 4).join(':')}::/64`;
  return ip;
}

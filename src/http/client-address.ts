import { isIP } from 'node:net';

/**
 * Who a request comes from, for per-client limits: `req.ip` (so Express's `trust proxy` decides
 * which address counts), with an IPv4-mapped IPv6 address read as IPv4 and an IPv6 address cut to
 * its /56 prefix, the smallest block a provider hands one customer: an attacker with one
 * connection holds a whole /64 and more, and must not count as 2^64 clients.
 */
export function clientOf(ip: string | undefined): string {
  if (ip === undefined) return 'unknown';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (isIP(ip) !== 6) return ip;
  const groups = sixteenBitGroups(ip);
  return `${groups.slice(0, 3).join(':')}:${groups[3]!.slice(0, 2)}00::/56`;
}

/** The eight groups of an IPv6 address, each as four hex digits. */
function sixteenBitGroups(ip: string): string[] {
  const address = ip.split('%', 1)[0]!.toLowerCase();
  const [head = '', tail] = address.split('::');
  const parse = (part: string) =>
    part === ''
      ? []
      : part.split(':').flatMap((group) => (group.includes('.') ? v4Groups(group) : [group]));
  const before = parse(head);
  const after = tail === undefined ? [] : parse(tail);
  const zeros = Array<string>(8 - before.length - after.length).fill('0');
  return [...before, ...zeros, ...after].map((group) => group.padStart(4, '0'));
}

function v4Groups(dotted: string): string[] {
  const [a = 0, b = 0, c = 0, d = 0] = dotted.split('.').map(Number);
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
}

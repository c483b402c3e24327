// Who a request comes from, as the throttles count it. Fastify decides the address (req.ip): the
// socket's peer, or the X-Forwarded-For entry set by a proxy listed in TRUST_PROXY (default: none, so
// a forged header changes nothing). Here that address becomes a throttle key: an IPv6 client usually
// owns a whole /64 and can pick a fresh address from it for every request, so IPv6 is counted by its
// /64 prefix; an IPv4-mapped IPv6 address (::ffff:1.2.3.4) is its IPv4 address.
import { isIPv4, isIPv6 } from 'node:net';

/** Expands an IPv6 address to its eight 16-bit groups (numbers); null when it isn't one. */
function ipv6Groups(ip: string): number[] | null {
  if (!isIPv6(ip)) return null;
  let text = ip.split('%')[0]!;
  // A trailing dotted IPv4 part (::ffff:1.2.3.4) is two groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1]!.split('.').map(Number) as [number, number, number, number];
    text = text.slice(0, -v4[1]!.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t].map((g) => parseInt(g, 16));
}

/** The throttle key of a client address: IPv4 as is, IPv6 as its /64 ("2001:db8:0:1::/64"). */
export function clientKey(ip: string): string {
  if (isIPv4(ip)) return ip;
  const g = ipv6Groups(ip);
  if (!g) return ip;
  // IPv4-mapped (::ffff:a.b.c.d): the IPv4 client it stands for.
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) {
    return `${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`;
  }
  return `${g
    .slice(0, 4)
    .map((x) => x.toString(16))
    .join(':')}::/64`;
}

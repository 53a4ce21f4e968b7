import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { BlockedAddressError } from './errors.js';
import { normalizeHost } from './host.js';

/**
 * --block-private (criteria `settings.block_private`): the addresses a run whose criteria file
 * came from a stranger must never connect to, and the means to enforce that on the address a
 * socket actually connects to, after DNS.
 */

/** Says whether a connection to `address` (an IP address, as DNS gave it or a URL named it) is refused. */
export type AddressPolicy = (address: string) => boolean;

/** Why an address is not for the public Internet. */
export type AddressCategory =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'shared'
  | 'unique-local'
  | 'multicast'
  | 'broadcast'
  | 'reserved'
  | 'not-an-address';

type Rule = readonly [network: string, prefix: number];

/**
 * First match wins, so the narrow ranges come before the wide ones that contain them.
 * Cloud metadata services live in these ranges: 169.254.169.254 (AWS, Azure, GCP, Huawei,
 * Tencent's 169.254.0.23), 100.100.100.200 (Alibaba Cloud, in the shared range), 192.0.0.192
 * (Oracle), fd00:ec2::254 (AWS over IPv6).
 */
const V4: ReadonlyArray<readonly [AddressCategory, readonly Rule[]]> = [
  // "This network". On Linux, connecting to 0.0.0.0 reaches the local host.
  ['unspecified', [['0.0.0.0', 8]]],
  ['loopback', [['127.0.0.0', 8]]],
  ['private', [['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16]]],
  ['link-local', [['169.254.0.0', 16]]],
  // Carrier-grade NAT (RFC 6598); also where some clouds put internal services.
  ['shared', [['100.64.0.0', 10]]],
  ['broadcast', [['255.255.255.255', 32]]],
  ['multicast', [['224.0.0.0', 4]]],
  ['reserved', [
    ['192.0.0.0', 24], // IETF protocol assignments
    ['192.0.2.0', 24], // TEST-NET-1
    ['198.18.0.0', 15], // benchmarking
    ['198.51.100.0', 24], // TEST-NET-2
    ['203.0.113.0', 24], // TEST-NET-3
    ['240.0.0.0', 4], // reserved for future use
  ]],
];

const V6: ReadonlyArray<readonly [AddressCategory, readonly Rule[]]> = [
  ['unspecified', [['::', 128]]],
  ['loopback', [['::1', 128]]],
  ['unique-local', [['fc00::', 7]]],
  ['link-local', [['fe80::', 10]]],
  ['multicast', [['ff00::', 8]]],
  ['reserved', [
    ['::', 96], // IPv4-compatible addresses (deprecated)
    ['64:ff9b:1::', 48], // local-use NAT64
    ['100::', 64], // discard-only
    ['2001:db8::', 32], // documentation
    ['3fff::', 20], // documentation
    ['fec0::', 10], // site-local (deprecated)
  ]],
];

function compile(table: ReadonlyArray<readonly [AddressCategory, readonly Rule[]]>, family: 'ipv4' | 'ipv6') {
  return table.map(([category, rules]) => {
    const list = new BlockList();
    for (const [network, prefix] of rules) list.addSubnet(network, prefix, family);
    return [category, list] as const;
  });
}

const V4_LISTS = compile(V4, 'ipv4');
const V6_LISTS = compile(V6, 'ipv6');

/**
 * The category that keeps `address` off the public Internet, or undefined for a public address.
 * Takes IPv4, IPv6 (with or without brackets and a %zone), and IPv6 forms that carry an IPv4
 * address, which are judged by that address: IPv4-mapped (::ffff:127.0.0.1, ::ffff:7f00:1),
 * IPv4-translated (::ffff:0:a.b.c.d), NAT64 (64:ff9b::/96) and 6to4 (2002::/16). Anything that
 * is not an IP address at all is 'not-an-address', which a policy must refuse too.
 */
export function addressCategory(address: string): AddressCategory | undefined {
  const bare = bareAddress(address);
  const family = isIP(bare);
  if (family === 4) return categoryIn(V4_LISTS, bare, 'ipv4');
  if (family !== 6) return 'not-an-address';
  const bytes = ipv6Bytes(bare);
  if (!bytes) return 'not-an-address';
  const embedded = embeddedIpv4(bytes);
  if (embedded) return categoryIn(V4_LISTS, embedded, 'ipv4');
  return categoryIn(V6_LISTS, bare, 'ipv6');
}

/** The production policy of --block-private: refuse every address that is not public. */
export const isPrivateAddress: AddressPolicy = (address) => addressCategory(address) !== undefined;

function categoryIn(lists: ReadonlyArray<readonly [AddressCategory, BlockList]>, address: string, family: 'ipv4' | 'ipv6'): AddressCategory | undefined {
  return lists.find(([, list]) => list.check(address, family))?.[0];
}

/** "[fe80::1%eth0]" → "fe80::1". */
function bareAddress(address: string): string {
  const host = normalizeHost(address);
  const zone = host.indexOf('%');
  return zone === -1 ? host : host.slice(0, zone);
}

/** The 16 bytes of an address `isIP` already called IPv6; undefined if it cannot be read. */
function ipv6Bytes(address: string): number[] | undefined {
  let text = address;
  const tail: number[] = [];
  const dotted = /(?:^|:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const quad = dotted[1]!.split('.').map(Number);
    if (quad.length !== 4 || quad.some((n) => !(n >= 0 && n <= 255))) return undefined;
    tail.push(...quad);
    text = text.slice(0, text.length - dotted[1]!.length);
    if (text.endsWith(':') && !text.endsWith('::')) text = text.slice(0, -1);
  }
  const groupsWanted = (16 - tail.length) / 2;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? Number.parseInt(g, 16) : NaN)));
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  const missing = groupsWanted - head.length - rest.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined;
  const groups = [...head, ...Array<number>(missing).fill(0), ...rest];
  if (groups.some((g) => Number.isNaN(g))) return undefined;
  return [...groups.flatMap((g) => [g >> 8, g & 0xff]), ...tail];
}

/** The IPv4 address an IPv6 address stands for, when it is one of the forms that carry one. */
function embeddedIpv4(b: number[]): string | undefined {
  const zeros = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  const v4 = (at: number) => b.slice(at, at + 4).join('.');
  // ::ffff:a.b.c.d (mapped) and ::ffff:0:a.b.c.d (translated, SIIT)
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return v4(12);
  if (zeros(0, 8) && b[8] === 0xff && b[9] === 0xff && b[10] === 0 && b[11] === 0) return v4(12);
  // 64:ff9b::a.b.c.d, the well-known NAT64 prefix: DNS64 gives public IPv4 sites these addresses.
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zeros(4, 12)) return v4(12);
  // 2002:AABB:CCDD::/48, 6to4: the site behind it is a.b.c.d.
  if (b[0] === 0x20 && b[1] === 0x02) return v4(2);
  return undefined;
}

/**
 * A `lookup` for net/tls.connect that refuses, with BlockedAddressError, a name for which DNS
 * gives any refused address (one bad answer among good ones is how rebinding is tried, so the
 * whole name is refused rather than filtered). Node calls `lookup` only for names; a literal IP
 * address in a URL must be checked by the caller (see refusedLiteral).
 */
export function guardedLookup(policy: AddressPolicy, base: LookupFunction = dnsLookup as unknown as LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    base(hostname, options, (error, address, family) => {
      if (error) {
        callback(error, address, family);
        return;
      }
      const answers: LookupAddress[] = Array.isArray(address) ? address : [{ address, family: family ?? isIP(address) }];
      const refused = answers.find((a) => policy(a.address));
      if (refused) callback(new BlockedAddressError(hostname, refused.address), Array.isArray(address) ? [] : '', family);
      else callback(null, address, family);
    });
  };
}

/** BlockedAddressError when `host` is itself a refused IP address (a URL such as http://127.0.0.1/). */
export function refusedLiteral(host: string, policy: AddressPolicy): BlockedAddressError | undefined {
  const bare = bareAddress(host);
  return isIP(bare) !== 0 && policy(bare) ? new BlockedAddressError(bare, bare) : undefined;
}

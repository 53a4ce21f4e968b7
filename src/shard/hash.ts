import { createHash } from 'node:crypto';

/**
 * Which shard of `total` audits a host: 1-based, the same on every machine and in every version
 * that keeps this function. It is a contract, written out in docs/ci-and-cron.md ("Shards"):
 *
 *   shard = (first 4 bytes of sha256(host), read as an unsigned big-endian integer) mod total + 1
 *
 * where `host` is the URL's host as the WHATWG URL parser gives it: lower-cased, an IDN in
 * punycode, with `:port` unless it is the scheme's default. Never Math.random or a JS string
 * hash, which could change between Node versions: shards of one run may run on different
 * machines, and a host split between two of them would see twice its `per_host_rate`.
 */
export function shardOfHost(host: string, total: number): number {
  const digest = createHash('sha256').update(host.toLowerCase(), 'utf8').digest();
  return (digest.readUInt32BE(0) % total) + 1;
}

/** The host a URL is sharded by: the one its requests are rate-limited by (src/audit.ts groups by it too). */
export function hostOf(url: string): string {
  return new URL(url).host;
}

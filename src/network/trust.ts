import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { NetworkConfigError } from './errors.js';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/**
 * The certificates in PEM text (a --ca file may hold a bundle). Throws NetworkConfigError when it
 * holds none, or one that does not parse; `label` (the file name) goes into the message.
 */
export function parseCaPem(pem: string, label = 'CA'): string[] {
  const blocks = pem.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) {
    throw new NetworkConfigError(`${label}: no PEM certificate found (expected "-----BEGIN CERTIFICATE-----"; convert DER with: openssl x509 -inform der -in FILE -out FILE.pem)`);
  }
  blocks.forEach((block, i) => {
    try {
      new X509Certificate(block);
    } catch (error) {
      throw new NetworkConfigError(`${label}: certificate ${i + 1} does not parse (${(error as Error).message})`);
    }
  });
  return blocks;
}

/**
 * Node's default roots. Node ≥ 22.15 says which those are (bundled, NODE_EXTRA_CA_CERTS and, with
 * --use-system-ca, the system store). Node 20 only lists the bundled Mozilla roots, so the file
 * in NODE_EXTRA_CA_CERTS, which Node trusts by default, is added here: a `ca` option replaces
 * the defaults, and a corporate root would otherwise be lost as soon as --ca is given.
 */
function defaultRoots(): string[] {
  const get = (tls as unknown as { getCACertificates?: (type: string) => string[] }).getCACertificates;
  if (typeof get === 'function') return [...get('default')];
  const roots = [...tls.rootCertificates];
  const extra = process.env['NODE_EXTRA_CA_CERTS'];
  if (extra) {
    try {
      roots.push(...(readFileSync(extra, 'utf8').match(PEM_BLOCK) ?? []));
    } catch {
      // Node itself only warns about an unreadable file; so do we, by ignoring it.
    }
  }
  return roots;
}

let cached: { key: string; context: tls.SecureContext } | undefined;

/**
 * A TLS context that trusts Node's default roots plus `ca`; undefined when `ca` is empty, so
 * Node's own default context applies unchanged. Built once and shared by every connection:
 * parsing ~150 roots per handshake would be wasteful. Throws NetworkConfigError on bad PEM.
 */
export function trustContext(ca: readonly string[] | undefined): tls.SecureContext | undefined {
  if (!ca || ca.length === 0) return undefined;
  const key = ca.join('\n');
  if (cached?.key === key) return cached.context;
  const added = ca.flatMap((pem, i) => parseCaPem(pem, ca.length > 1 ? `CA ${i + 1}` : 'CA'));
  const context = tls.createSecureContext({ ca: [...defaultRoots(), ...added] });
  cached = { key, context };
  return context;
}

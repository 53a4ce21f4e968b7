import { isIP, type LookupFunction } from 'node:net';
import tls from 'node:tls';
import { guardedLookup, refusedLiteral, type AddressPolicy } from './address-policy.js';
import { tlsProblemOf, type TlsProblem } from './tls-problems.js';
import { trustContext } from './trust.js';

export interface CertificateReport {
  host: string;
  port: number;
  /** Whether a verifying client would have accepted the certificate (chain, dates and name). */
  authorized: boolean;
  /** Why not, when not authorized and the reason is a known certificate problem. */
  problem?: TlsProblem;
  /** The raw Node/OpenSSL reason when not authorized ("CERT_HAS_EXPIRED", …), for detail. */
  authorizationError?: string;
  /** notAfter of the site's certificate, ISO 8601. */
  validTo?: string;
  /** Whole days from `now` to validTo, rounded down; negative once expired. */
  daysLeft?: number;
  /** Common name (else the full DN) of the subject and of the issuer. */
  subject?: string;
  issuer?: string;
}

const DAY_MS = 86_400_000;

/**
 * Connects once with TLS (no HTTP is sent), without rejecting the certificate, using the same
 * trusted roots as the dispatcher (Node's defaults plus `ca`), and reports the peer certificate
 * and whether it would have been trusted. Meant once per https host per run: to warn about
 * certificates that expire soon, and to explain hosts accepted with --insecure.
 *
 * Connects directly, never through a proxy: through a proxy's tunnel this would need the proxy,
 * and behind a TLS-inspecting proxy it would see the proxy's certificate, not the site's. So the
 * caller skips it for proxied hosts.
 *
 * With `blockAddress` (--block-private), a host that is, or resolves to, a refused address is not
 * contacted at all, and a socket that connected to one anyway is dropped: no report.
 *
 * Never throws: resolves undefined when the connection fails or times out.
 */
export async function inspectCertificate(
  host: string,
  port: number,
  options: { ca?: string[]; timeoutMs: number; now?: Date; blockAddress?: AddressPolicy; lookup?: LookupFunction },
): Promise<CertificateReport | undefined> {
  let secureContext: tls.SecureContext | undefined;
  try {
    secureContext = trustContext(options.ca);
  } catch {
    return undefined;
  }
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const { blockAddress } = options;
  if (blockAddress && refusedLiteral(bare, blockAddress)) return undefined;
  const lookup = blockAddress ? guardedLookup(blockAddress, options.lookup) : options.lookup;
  return new Promise((resolve) => {
    let settled = false;
    let socket: tls.TLSSocket | undefined;
    const finish = (report: CertificateReport | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket?.destroy();
      resolve(report);
    };
    const timer = setTimeout(() => finish(undefined), options.timeoutMs);
    try {
      socket = tls.connect({
        host: bare,
        port,
        // SNI must be a name, never an IP address (RFC 6066).
        ...(isIP(bare) ? {} : { servername: bare }),
        rejectUnauthorized: false,
        ...(secureContext ? { secureContext } : {}),
        ...(lookup ? { lookup } : {}),
        ALPNProtocols: ['http/1.1'],
      });
    } catch {
      finish(undefined);
      return;
    }
    socket.once('error', () => finish(undefined));
    if (blockAddress) {
      // The guarded lookup refused before connecting; this is the last line, as in the dispatcher.
      socket.once('connect', () => {
        const remote = socket?.remoteAddress;
        if (remote === undefined || blockAddress(remote)) finish(undefined);
      });
    }
    socket.once('secureConnect', () => {
      try {
        finish(report(socket!, host, port, options.now ?? new Date()));
      } catch {
        finish(undefined);
      }
    });
  });
}

function report(socket: tls.TLSSocket, host: string, port: number, now: Date): CertificateReport {
  const out: CertificateReport = { host, port, authorized: socket.authorized };
  if (!socket.authorized) {
    // Node types this as an Error, but sets the OpenSSL code string (or a message).
    const raw = socket.authorizationError as unknown;
    const code = typeof raw === 'string' ? raw : (raw as { code?: string; message?: string } | null)?.code ?? (raw as Error | null)?.message;
    if (code) out.authorizationError = code;
    const problem = tlsProblemOf(code);
    if (problem) out.problem = problem;
  }
  const cert = socket.getPeerCertificate();
  if (cert && Object.keys(cert).length > 0) {
    const validTo = new Date(cert.valid_to);
    if (!Number.isNaN(validTo.getTime())) {
      out.validTo = validTo.toISOString();
      out.daysLeft = Math.floor((validTo.getTime() - now.getTime()) / DAY_MS);
    }
    const subject = nameOf(cert.subject);
    const issuer = nameOf(cert.issuer);
    if (subject) out.subject = subject;
    if (issuer) out.issuer = issuer;
  }
  return out;
}

/** "CN" when there is one, else the whole name ("O=…, C=…"). */
function nameOf(name: tls.Certificate | undefined): string | undefined {
  if (!name) return undefined;
  const cn = name.CN as string | string[] | undefined;
  if (cn) return Array.isArray(cn) ? cn.join(', ') : cn;
  const parts = Object.entries(name).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`);
  return parts.length > 0 ? parts.join(', ') : undefined;
}


import type { TlsProblem } from '../model/fetch.js';

export type { TlsProblem };

const PROBLEMS: Readonly<Record<string, TlsProblem>> = {
  // Dates.
  CERT_HAS_EXPIRED: 'TLS_EXPIRED',
  CERT_NOT_YET_VALID: 'TLS_NOT_YET_VALID',
  // The site signed its own certificate.
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS_SELF_SIGNED',
  // Name checks: Node's checkServerIdentity, and OpenSSL's own host/IP checks.
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS_WRONG_HOST',
  HOSTNAME_MISMATCH: 'TLS_WRONG_HOST',
  IP_ADDRESS_MISMATCH: 'TLS_WRONG_HOST',
  // The server did not send the intermediate certificate(s). Browsers often repair this by
  // fetching or caching the intermediate, so the page "works in the browser" and fails here.
  // (A certificate from a CA nobody trusts, sent without its chain, looks the same to OpenSSL.)
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS_INCOMPLETE_CHAIN',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'TLS_INCOMPLETE_CHAIN',
  // The chain ends in a root that is not trusted: a private CA (trust it with --ca), or a
  // TLS-inspecting proxy on our side. Not the site's own self-signed certificate: that is
  // DEPTH_ZERO_SELF_SIGNED_CERT.
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS_UNTRUSTED',
  UNABLE_TO_GET_ISSUER_CERT: 'TLS_UNTRUSTED',
  CERT_UNTRUSTED: 'TLS_UNTRUSTED',
  CERT_REJECTED: 'TLS_UNTRUSTED',
  CERT_REVOKED: 'TLS_UNTRUSTED',
  CERT_SIGNATURE_FAILURE: 'TLS_UNTRUSTED',
  CERT_CHAIN_TOO_LONG: 'TLS_UNTRUSTED',
  INVALID_CA: 'TLS_UNTRUSTED',
  INVALID_PURPOSE: 'TLS_UNTRUSTED',
  PATH_LENGTH_EXCEEDED: 'TLS_UNTRUSTED',
  UNABLE_TO_DECRYPT_CERT_SIGNATURE: 'TLS_UNTRUSTED',
  UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: 'TLS_UNTRUSTED',
  ERROR_IN_CERT_NOT_BEFORE_FIELD: 'TLS_UNTRUSTED',
  ERROR_IN_CERT_NOT_AFTER_FIELD: 'TLS_UNTRUSTED',
  EE_KEY_TOO_SMALL: 'TLS_UNTRUSTED',
  CA_KEY_TOO_SMALL: 'TLS_UNTRUSTED',
  CA_MD_TOO_WEAK: 'TLS_UNTRUSTED',
};

/**
 * Maps a Node/OpenSSL error code to a certificate problem; undefined when the code is not about
 * the certificate. TLS failures that are not about the certificate (protocol version, ciphers,
 * handshake alerts such as ERR_SSL_WRONG_VERSION_NUMBER, ERR_SSL_UNSAFE_LEGACY_RENEGOTIATION_DISABLED)
 * also give undefined: the caller keeps reporting those as a generic TLS error.
 */
export function tlsProblemOf(code: string | undefined): TlsProblem | undefined {
  if (!code) return undefined;
  const known = PROBLEMS[code];
  if (known) return known;
  // Any other verification failure OpenSSL may add: still a certificate we must not trust.
  if (/^(CERT_|UNABLE_TO_)/.test(code)) return 'TLS_UNTRUSTED';
  return undefined;
}

/**
 * The code of a failed request, where undici puts it: the TLS error itself is what `request()`
 * rejects with (code on the error), but wrappers such as undici's proxy errors carry it on
 * `cause`. Looks at both, the error first.
 */
export function tlsProblemOfError(error: unknown): TlsProblem | undefined {
  const err = error as { code?: unknown; cause?: { code?: unknown } } | null | undefined;
  const own = typeof err?.code === 'string' ? err.code : undefined;
  const cause = typeof err?.cause?.code === 'string' ? err.cause.code : undefined;
  return tlsProblemOf(own) ?? tlsProblemOf(cause);
}

/**
 * Network setup for a run: proxies (HTTP_PROXY, HTTPS_PROXY, NO_PROXY, --proxy), trusted roots
 * (--ca), hosts whose bad certificate is accepted (--insecure, criteria hosts), certificate
 * problems as codes, a certificate check for expiry warnings, and --block-private's address
 * policy.
 */
export { createNetworkDispatcher, type NetworkOptions } from './dispatcher.js';
export { tlsProblemOf, tlsProblemOfError, type TlsProblem } from './tls-problems.js';
export { inspectCertificate, type CertificateReport } from './inspect.js';
export { NetworkConfigError, BlockedAddressError, blockedAddressOf, BLOCKED_ADDRESS_CODE } from './errors.js';
export {
  addressCategory,
  isPrivateAddress,
  guardedLookup,
  refusedLiteral,
  type AddressCategory,
  type AddressPolicy,
} from './address-policy.js';
export {
  resolveProxy,
  proxyFor,
  proxyProblemOf,
  normalizeProxyUrl,
  redactProxyUrl,
  type ProxySettings,
  type ProxyProblem,
} from './proxy.js';
export { parseCaPem } from './trust.js';
export { normalizeHost } from './host.js';

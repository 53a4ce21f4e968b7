import { reason, type Reason } from '../i18n/index.js';
import { proxyProblemOf, tlsProblemOfError, type TlsProblem } from '../network/index.js';

/** Stable codes for why a URL could not be fetched; reports and tests match on these, not on messages. */
export type FetchErrorCode =
  | 'DNS_NOT_FOUND'
  | 'DNS_UNAVAILABLE'
  | 'CONNECTION_REFUSED'
  | 'CONNECTION_RESET'
  | 'CONNECT_TIMEOUT'
  | 'TIMEOUT'
  | 'TLS_ERROR'
  | 'REDIRECT_LOOP'
  | 'TOO_MANY_REDIRECTS'
  | 'BAD_REDIRECT'
  | 'INTERRUPTED'
  | 'NO_NETWORK'
  | 'PROXY_ERROR'
  | TlsProblem
  | 'NETWORK_ERROR';

/** A fetch failure is itself a reason: its code is the error code, its params what the message needs. */
export type FetchError = Extract<Reason, { code: FetchErrorCode }>;

/** Failures on our side of the wire say nothing about the site, so they leave evidence unverified. */
export function isLocalProblem(code: FetchErrorCode): boolean {
  // A dead proxy is this office's problem, not the site's.
  return code === 'DNS_UNAVAILABLE' || code === 'INTERRUPTED' || code === 'NO_NETWORK' || code === 'PROXY_ERROR';
}

export function isRetryable(code: FetchErrorCode): boolean {
  return ['DNS_UNAVAILABLE', 'CONNECTION_RESET', 'CONNECT_TIMEOUT', 'TIMEOUT', 'NETWORK_ERROR'].includes(code);
}

const TLS_CODES = /^(CERT_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|ERR_TLS|ERR_SSL|HOSTNAME_MISMATCH|ERR_OSSL)/;

/** Maps undici and Node errors, which carry a `code`, to ours. `proxy` is the proxy the request went through, if any. */
export function classifyError(error: unknown, host: string, timeoutMs: number, proxy?: string): FetchError {
  const err = error as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = err.cause?.code ?? err.code ?? '';
  const detail = err.cause?.message ?? err.message ?? String(error);
  const viaProxy = proxyProblemOf(error, proxy);
  if (viaProxy) return reason('PROXY_ERROR', viaProxy);
  const tls = tlsProblemOfError(error);
  if (tls) return reason(tls, { host, detail: code });
  switch (code) {
    case 'ENOTFOUND':
      return reason('DNS_NOT_FOUND', { host });
    case 'EAI_AGAIN':
      return reason('DNS_UNAVAILABLE', { host });
    case 'ECONNREFUSED':
      return reason('CONNECTION_REFUSED', { host });
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return reason('CONNECTION_RESET', { host });
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return reason('CONNECT_TIMEOUT', { host });
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'TIMEOUT':
      return reason('TIMEOUT', { host, seconds: timeoutMs / 1000 });
    case 'ENETUNREACH':
      return reason('NO_NETWORK', { host });
  }
  if (TLS_CODES.test(code)) return reason('TLS_ERROR', { host, detail: code });
  return reason('NETWORK_ERROR', { host, detail: `${code ? code + ' ' : ''}${detail}` });
}

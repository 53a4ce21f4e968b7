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
  | 'NETWORK_ERROR';

export interface FetchError {
  code: FetchErrorCode;
  message: string;
}

/** Failures on our side of the wire say nothing about the site, so they leave evidence unverified. */
export function isLocalProblem(code: FetchErrorCode): boolean {
  return code === 'DNS_UNAVAILABLE' || code === 'INTERRUPTED' || code === 'NO_NETWORK';
}

export function isRetryable(code: FetchErrorCode): boolean {
  return ['DNS_UNAVAILABLE', 'CONNECTION_RESET', 'CONNECT_TIMEOUT', 'TIMEOUT', 'NETWORK_ERROR'].includes(code);
}

const TLS_CODES = /^(CERT_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|ERR_TLS|ERR_SSL|HOSTNAME_MISMATCH|ERR_OSSL)/;

/** Maps undici and Node errors, which carry a `code`, to our codes and a sentence a user can act on. */
export function classifyError(error: unknown, host: string, timeoutMs: number): FetchError {
  const err = error as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = err.cause?.code ?? err.code ?? '';
  const detail = err.cause?.message ?? err.message ?? String(error);
  switch (code) {
    case 'ENOTFOUND':
      return { code: 'DNS_NOT_FOUND', message: `cannot resolve host ${host} (DNS: not found; check the address, or the network/DNS of this machine)` };
    case 'EAI_AGAIN':
      return { code: 'DNS_UNAVAILABLE', message: `DNS lookup for ${host} failed temporarily (is this machine online?)` };
    case 'ECONNREFUSED':
      return { code: 'CONNECTION_REFUSED', message: `${host} refused the connection` };
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return { code: 'CONNECTION_RESET', message: `${host} closed the connection before answering` };
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return { code: 'CONNECT_TIMEOUT', message: `could not connect to ${host} in time` };
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'TIMEOUT':
      return { code: 'TIMEOUT', message: `no complete answer from ${host} within ${timeoutMs / 1000}s` };
    case 'ENETUNREACH':
      return { code: 'NO_NETWORK', message: `this machine has no route to ${host} (is it online?)` };
    case 'EHOSTUNREACH':
      return { code: 'NETWORK_ERROR', message: `${host} is unreachable` };
  }
  if (TLS_CODES.test(code)) return { code: 'TLS_ERROR', message: `TLS error from ${host}: ${code}` };
  return { code: 'NETWORK_ERROR', message: `request to ${host} failed: ${code ? code + ' ' : ''}${detail}` };
}

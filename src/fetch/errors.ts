import { maxHeaderSize } from 'node:http';
import { reason } from '../model/reasons.js';
import { blockedAddressOf, proxyProblemOf, tlsProblemOfError } from '../network/index.js';
import { type FetchError, type FetchErrorCode } from '../model/fetch.js';

/**
 * Failures that say nothing about the page leave evidence unverified: those on our side of the
 * wire, and a site that asked to be visited later (RATE_LIMITED), which is no broken link either.
 */
export function isLocalProblem(code: FetchErrorCode): boolean {
  // A dead proxy is this office's problem, not the site's.
  return code === 'DNS_UNAVAILABLE' || code === 'INTERRUPTED' || code === 'NO_NETWORK' || code === 'PROXY_ERROR' || code === 'RATE_LIMITED';
}

/**
 * Worth another try: what a flaky network or an overloaded server does. A server that broke the
 * protocol (BAD_RESPONSE, HEADERS_TOO_LARGE, BAD_CONTENT_ENCODING) will do it again.
 */
export function isRetryable(code: FetchErrorCode): boolean {
  return ['DNS_UNAVAILABLE', 'CONNECTION_RESET', 'BODY_INCOMPLETE', 'CONNECT_TIMEOUT', 'TIMEOUT', 'NETWORK_ERROR'].includes(code);
}

const TLS_CODES = /^(CERT_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|ERR_TLS|ERR_SSL|HOSTNAME_MISMATCH|ERR_OSSL)/;

/** Maps undici and Node errors, which carry a `code`, to ours. `proxy` is the proxy the request went through, if any. */
export function classifyError(error: unknown, host: string, timeoutMs: number, proxy?: string): FetchError {
  const err = error as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = err.cause?.code ?? err.code ?? '';
  const detail = err.cause?.message ?? err.message ?? String(error);
  // --block-private refused the address (E_BLOCKED_ADDRESS): the evidence fails, naming it.
  const blocked = blockedAddressOf(error);
  if (blocked) return reason('BLOCKED_ADDRESS', { host, address: blocked.address });
  const viaProxy = proxyProblemOf(error, proxy);
  if (viaProxy) return reason('PROXY_ERROR', viaProxy);
  const tls = tlsProblemOfError(error);
  if (tls) return reason(tls, { host, detail: code });
  const parser = parserProblemOf(error);
  if (parser !== undefined) return reason('BAD_RESPONSE', { host, detail: parser });
  if (isEmptyDnsAnswer(error)) return reason('DNS_NOT_FOUND', { host });
  switch (code) {
    case 'ENOTFOUND':
    case 'ENODATA': // the name exists but has no address
      return reason('DNS_NOT_FOUND', { host });
    case 'EAI_AGAIN':
      return reason('DNS_UNAVAILABLE', { host });
    case 'ECONNREFUSED':
      return reason('CONNECTION_REFUSED', { host });
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH': // the fetcher, which knows how much arrived, says BODY_INCOMPLETE
      return reason('CONNECTION_RESET', { host });
    case 'UND_ERR_HEADERS_OVERFLOW':
      // undici's limit is Node's (--max-http-header-size, 16 KB by default); browsers allow more, but
      // headers past it are a broken or hostile server, and reading them is how memory runs out.
      return reason('HEADERS_TOO_LARGE', { host, limit: maxHeaderSize });
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

/**
 * undici's HTTPParserError (a status line that is no status line, an HTTP/0.9 body with none,
 * broken chunked framing) carries no `code`: it is known by its name. Gives llhttp's own words,
 * "Invalid status code", without the bytes that broke it (they are the server's, and may be binary).
 */
function parserProblemOf(error: unknown): string | undefined {
  for (const e of [error, (error as { cause?: unknown } | null)?.cause]) {
    const err = e as { name?: unknown; message?: unknown } | null | undefined;
    if (err?.name === 'HTTPParserError') {
      const message = typeof err.message === 'string' ? err.message : '';
      return /\(([^)]*)\)\s*$/.exec(message)?.[1] ?? message;
    }
  }
  return undefined;
}

/**
 * A lookup that answers with no address at all (a custom resolver, a dispatcher's `lookup`) makes
 * Node's net.connect throw a TypeError reading `addresses[0]` rather than an ENOTFOUND: for the
 * user it is the same thing, a name that leads nowhere.
 */
function isEmptyDnsAnswer(error: unknown): boolean {
  for (const e of [error, (error as { cause?: unknown } | null)?.cause]) {
    if (e instanceof TypeError && /\baddresses\[0\]/.test(e.message)) return true;
  }
  return false;
}

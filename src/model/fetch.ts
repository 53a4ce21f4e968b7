import type { Reason } from './reasons.js';

/**
 * Certificate problems, as stable codes. Reports and tests match on these; the OpenSSL/Node code
 * they came from can still be shown as detail.
 */
export type TlsProblem =
  | 'TLS_EXPIRED'
  | 'TLS_SELF_SIGNED'
  | 'TLS_WRONG_HOST'
  | 'TLS_INCOMPLETE_CHAIN'
  | 'TLS_UNTRUSTED'
  | 'TLS_NOT_YET_VALID';

/** What fetching a URL gives: the response, or why there is none, as values every stage reads. */
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
  | 'BLOCKED_ADDRESS'
  | 'BODY_INCOMPLETE'
  | 'BAD_CONTENT_ENCODING'
  | 'BAD_RESPONSE'
  | 'HEADERS_TOO_LARGE'
  | 'RATE_LIMITED'
  | TlsProblem
  | 'NETWORK_ERROR';

/** A fetch failure is itself a reason: its code is the error code, its params what the message needs. */
export type FetchError = Extract<Reason, { code: FetchErrorCode }>;

export interface RedirectHop {
  url: string;
  status: number;
  location: string;
}

export interface FetchBase {
  url: string;
  finalUrl: string;
  redirects: RedirectHop[];
  attempts: number;
  durationMs: number;
  /** Worth knowing, no reason to fail: an https link redirected to plain http. */
  warnings?: Reason[];
}

export interface FetchedResponse extends FetchBase {
  ok: true;
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** The body went past the size cap; what was read is still checked. */
  truncated: boolean;
  /** The server answered 304 to a conditional request, and the stored body stood in. */
  fromCache?: boolean;
}

export interface FetchFailure extends FetchBase {
  ok: false;
  error: FetchError;
}

export type FetchResult = FetchedResponse | FetchFailure;

import type { DeepReadonly } from '../util/readonly.js';

/**
 * Why a check ended as it did, as data: a stable English code for JSON and scripts, and the
 * parameters each language's catalogue needs to say it in words (i18n/ turns them into words).
 */
/**
 * Why a check ended as it did, as data: a stable English code for JSON and scripts, and the
 * parameters each language's catalogue needs to say it in words.
 */
export type WallVendor = 'ruishu' | 'jiasule' | 'cloudflare' | 'captcha';

/** What may fill a page by script (quirks/loaders.ts): an Anhui label list, a fetching call, a data block, a writer, a loader library, a "正在加载" line. */
export type LoaderKind = 'label' | 'ajax' | 'data' | 'write' | 'library' | 'text';

export interface ReasonParams {
  // fetch
  DNS_NOT_FOUND: { host: string };
  DNS_UNAVAILABLE: { host: string };
  CONNECTION_REFUSED: { host: string };
  CONNECTION_RESET: { host: string };
  CONNECT_TIMEOUT: { host: string };
  TIMEOUT: { host: string; seconds: number };
  TLS_ERROR: { host: string; detail: string };
  REDIRECT_LOOP: { chain: string[] };
  TOO_MANY_REDIRECTS: { max: number };
  BAD_REDIRECT: { location: string };
  INTERRUPTED: Record<string, never>;
  NO_NETWORK: { host: string };
  PROXY_ERROR: { proxy: string; detail: string };
  BLOCKED_ADDRESS: { host: string; address: string };
  TLS_EXPIRED: { host: string; detail: string };
  TLS_SELF_SIGNED: { host: string; detail: string };
  TLS_WRONG_HOST: { host: string; detail: string };
  TLS_INCOMPLETE_CHAIN: { host: string; detail: string };
  TLS_UNTRUSTED: { host: string; detail: string };
  TLS_NOT_YET_VALID: { host: string; detail: string };
  TLS_EXPIRING: { host: string; validTo: string; daysLeft: number };
  TLS_INSECURE_ACCEPTED: { host: string; problem: string; detail: string };
  NETWORK_ERROR: { host: string; detail: string };
  // fetch: broken or hostile servers (test/faults/servers.test.ts)
  BODY_INCOMPLETE: { host: string; received: number; expected?: number };
  BAD_CONTENT_ENCODING: { host: string; encoding: string; detail: string };
  BAD_RESPONSE: { host: string; detail: string };
  HEADERS_TOO_LARGE: { host: string; limit: number };
  RATE_LIMITED: { host: string; status: number; seconds: number; capSeconds: number };
  /** A warning, not a failure: an https link that ends on plain http. */
  REDIRECT_DOWNGRADE: { from: string; to: string };
  // blocked
  BOT_WALL: { vendor: WallVendor; status: number; phrase: string };
  // status
  STATUS_OK: { status: number; redirects: number; truncated: boolean };
  STATUS_UNEXPECTED: { status: number; expected: string };
  // content
  CONTENT_OK: Record<string, never>;
  SOFT_404: { phrase: string };
  LOOKS_LIKE_ERROR_PAGE: { probeUrl: string };
  REDIRECTED_HOME: { finalUrl: string };
  /** The host answers every address with its home page, and a link that is not to it shows it. */
  SHOWS_HOME_PAGE: { probeUrl: string };
  SELECTOR_EMPTY: { selector: string };
  SELECTOR_UNSEEN: { selector: string; loader: LoaderKind; phrase: string };
  SELECTOR_INVALID: { selector: string; detail: string };
  DOCUMENT_UNREAD: { type: string };
  DOCUMENT_UNREADABLE: { kind: string; code: string; detail: string };
  DOCUMENT_PARTIAL: { why: 'scanned' | 'truncated' };
  RENDER_UNAVAILABLE: { code: string; detail: string };
  ANALYSIS_FAILED: { detail: string };
  // keywords
  KEYWORDS_OK: { found: string[] };
  KEYWORDS_MISSING: { missing: string[]; anyOf: string[] };
  KEYWORDS_FORBIDDEN: { found: string[] };
  KEYWORDS_UNSEEN: { missing: string[]; anyOf: string[]; loader: LoaderKind; phrase: string };
  // freshness
  FRESH: { date: string; source: string; age: number; allowed: string };
  STALE: { date: string; source: string; age: number; allowed: string; cutoff: string };
  NO_DATE: Record<string, never>;
  NO_DATE_SCRIPT_FILLED: { loader: LoaderKind; phrase: string };
  STALE_SCRIPT_FILLED: { date: string; source: string; age: number; allowed: string; cutoff: string; loader: LoaderKind; phrase: string };
  // indicators
  NO_EVIDENCE: Record<string, never>;
  // --shard: evidence whose host another shard audits; unverified here, judged in `audit merge`
  OTHER_SHARD: { host: string; index: number; total: number };
}

export type ReasonCode = keyof ReasonParams;

/** Read-only all the way down: a reason may be shared by many results (see ValuePool). */
export type Reason = { [K in ReasonCode]: { readonly code: K; readonly params: DeepReadonly<ReasonParams[K]> } }[ReasonCode];

export function reason<K extends ReasonCode>(code: K, params: ReasonParams[K]): { code: K; params: ReasonParams[K] } {
  return { code, params };
}

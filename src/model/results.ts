import type { Evidence } from './criteria.js';
import type { ArchiveRecordRef } from './archive.js';
import type { Reason } from './reasons.js';
import type { FetchFailure, FetchedResponse } from './fetch.js';

export type Verdict = 'pass' | 'fail' | 'unverified';

export type CheckName = 'fetch' | 'blocked' | 'status' | 'content' | 'render' | 'keywords' | 'freshness';

/**
 * One check's outcome: a value with a reason that each language can put in words, never an
 * exception. Read-only: results that say the same share one frozen instance (see keptUntilReport).
 */
export interface CheckResult {
  readonly name: CheckName;
  readonly status: Verdict;
  readonly reason: Reason;
}

export interface EvidenceResult {
  evidence: Evidence;
  verdict: Verdict;
  httpStatus?: number;
  finalUrl: string;
  /** Shared, and frozen, when empty. */
  redirects: readonly string[];
  lastUpdated?: string;
  dateSource?: string;
  checks: readonly CheckResult[];
  durationMs: number;
  /** The fetch as reported; body and headers are dropped once the page has been judged. */
  fetch: FetchFailure | Omit<FetchedResponse, 'body' | 'headers'>;
  /** The checks judged the DOM a browser rendered, not the fetched HTML. */
  rendered?: boolean;
  /** Lists the page loads by script, fetched directly and judged as part of the page (Anhui's /site/label/). */
  listFrom?: readonly string[];
  /** Where --archive keeps what this evidence showed. */
  archived?: ArchiveRecordRef[];
  /** Worth knowing, but no reason to fail: a certificate about to expire, one accepted as insecure. */
  warnings?: Reason[];
}

export const pass = (name: CheckName, reason: Reason): CheckResult => ({ name, status: 'pass', reason });
export const fail = (name: CheckName, reason: Reason): CheckResult => ({ name, status: 'fail', reason });
export const unverified = (name: CheckName, reason: Reason): CheckResult => ({ name, status: 'unverified', reason });

/** Any failure fails; otherwise anything unverified leaves the whole unverified. */
export function combineVerdicts(verdicts: Iterable<Verdict>): Verdict {
  let result: Verdict = 'pass';
  for (const verdict of verdicts) {
    if (verdict === 'fail') return 'fail';
    if (verdict === 'unverified') result = 'unverified';
  }
  return result;
}

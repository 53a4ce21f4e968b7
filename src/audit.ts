import { setMaxListeners } from 'node:events';
import type { Dispatcher } from 'undici';
import { evaluateEvidence, internalFailure, preparePage, type EvaluateOptions } from './check/evaluate.js';
import { detectBotWall } from './check/signatures.js';
import type { EvidenceResult } from './check/types.js';
import type { Criteria, Evidence } from './criteria/types.js';
import { fetchUrl, type FetchResult, type RetryCandidate } from './fetch/fetcher.js';
import { HostScheduler } from './fetch/scheduler.js';
import { planRequests } from './plan/plan.js';
import { scoreIndicator, totals, type IndicatorResult, type Totals } from './score/score.js';

export interface AuditOptions {
  criteria: Criteria;
  dispatcher: Dispatcher;
  now: Date;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface AuditReport {
  title: string;
  criteria: { path: string; sha256: string };
  now: Date;
  startedAt: Date;
  finishedAt: Date;
  /** False when the run was interrupted; unfinished links are unverified. */
  complete: boolean;
  indicators: IndicatorResult[];
  totals: Totals;
  /** Set when only part of the criteria was audited (--only, --changed). */
  selection?: { reason: string; skipped: { id: string; title: string }[] };
  /** Set when compared with an earlier report (--baseline). */
  changes?: Changes;
}

/** What changed since an earlier report: the history a nightly job watches. */
export interface Changes {
  baseline: { path: string; finishedAt: string; score: number };
  scoreDelta: number;
  newlyFailing: { id: string; title: string; reason: string }[];
  fixed: { id: string; title: string }[];
}


/** load → plan → fetch (rate-limited) → check → score. Reporting is the caller's. */
export async function runAudit(options: AuditOptions): Promise<AuditReport> {
  const startedAt = new Date();
  const { criteria, now, signal } = options;
  // Every waiting request listens on the run's abort signal; hundreds at once is expected, not a leak.
  if (signal) setMaxListeners(0, signal);
  const plan = planRequests(criteria);
  const scheduler = new HostScheduler(criteria.settings);
  const fetchContext = {
    dispatcher: options.dispatcher,
    scheduler,
    settings: criteria.settings,
    ...(signal ? { signal } : {}),
    // Retrying a bot wall only annoys it.
    shouldRetry: (r: RetryCandidate) => !detectBotWall(r.status, r.headers, r.body.toString('latin1'), undefined),
  };

  // Each page is judged as soon as it arrives and then let go, so bodies never pile up.
  let done = 0;
  const results = new Map<Evidence, EvidenceResult>();
  const evaluateOptions = { now, soft404Phrases: criteria.settings.soft404Phrases };
  await Promise.all([...plan.requests].map(async ([url, citing]) => {
    const fetched = await fetchUrl(url, fetchContext);
    for (const evidence of citing) results.set(evidence, judgeSafely(evidence, fetched, evaluateOptions));
    options.onProgress?.(++done, plan.requests.size);
  }));

  const indicators = criteria.indicators.map((indicator) => scoreIndicator(indicator, results));
  return {
    title: criteria.title,
    criteria: { path: criteria.path, sha256: criteria.sha256 },
    now,
    startedAt,
    finishedAt: new Date(),
    complete: !signal?.aborted,
    indicators,
    totals: totals(indicators),
  };
}

/**
 * One odd page must never cost the report for the other links: anything that throws while judging
 * it leaves that evidence unverified, with the error as the reason.
 */
function judgeSafely(evidence: Evidence, fetched: FetchResult, options: EvaluateOptions): EvidenceResult {
  try {
    return evaluateEvidence(evidence, fetched.ok ? preparePage(fetched, options.now) : fetched, options);
  } catch (error) {
    return internalFailure(evidence, fetched, error);
  }
}

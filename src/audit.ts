import type { Dispatcher } from 'undici';
import { evaluateEvidence, preparePage } from './check/evaluate.js';
import { detectBotWall } from './check/signatures.js';
import type { EvidenceResult } from './check/types.js';
import type { Criteria, Evidence } from './criteria/types.js';
import { fetchUrl, type RetryCandidate } from './fetch/fetcher.js';
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
  criteriaPath: string;
  now: Date;
  startedAt: Date;
  finishedAt: Date;
  /** False when the run was interrupted; unfinished links are unverified. */
  complete: boolean;
  indicators: IndicatorResult[];
  totals: Totals;
}


/** load → plan → fetch (rate-limited) → check → score. Reporting is the caller's. */
export async function runAudit(options: AuditOptions): Promise<AuditReport> {
  const startedAt = new Date();
  const { criteria, now } = options;
  const plan = planRequests(criteria);
  const scheduler = new HostScheduler(criteria.settings);
  const fetchContext = {
    dispatcher: options.dispatcher,
    scheduler,
    settings: criteria.settings,
    ...(options.signal ? { signal: options.signal } : {}),
    // Retrying a bot wall only annoys it.
    shouldRetry: (r: RetryCandidate) => !detectBotWall(r.status, r.headers, r.body.toString('latin1'), undefined),
  };

  // Each page is judged as soon as it arrives and then let go, so bodies never pile up.
  let done = 0;
  const results = new Map<Evidence, EvidenceResult>();
  const evaluateOptions = { now, soft404Phrases: criteria.settings.soft404Phrases };
  await Promise.all([...plan.requests].map(async ([url, citing]) => {
    const fetched = await fetchUrl(url, fetchContext);
    const outcome = fetched.ok ? preparePage(fetched, now) : fetched;
    for (const evidence of citing) results.set(evidence, evaluateEvidence(evidence, outcome, evaluateOptions));
    options.onProgress?.(++done, plan.requests.size);
  }));

  const indicators = criteria.indicators.map((indicator) => scoreIndicator(indicator, results));
  return {
    title: criteria.title,
    criteriaPath: criteria.path,
    now,
    startedAt,
    finishedAt: new Date(),
    complete: !options.signal?.aborted,
    indicators,
    totals: totals(indicators),
  };
}

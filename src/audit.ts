import { setMaxListeners } from 'node:events';
import type { Dispatcher } from 'undici';
import { evaluateEvidence, internalFailure, preparePage, type EvaluateOptions } from './check/evaluate.js';
import { detectBotWall } from './check/signatures.js';
import type { EvidenceResult } from './check/types.js';
import type { Criteria, Evidence } from './criteria/types.js';
import { ErrorPageProbe, type ErrorPage } from './check/probe.js';
import type { HostSettings } from './criteria/types.js';
import { fetchUrl, type FetchContext, type FetchResult, type RetryCandidate } from './fetch/fetcher.js';
import type { ResponseCache } from './fetch/cache.js';
import { HostScheduler } from './fetch/scheduler.js';
import type { ProgressEvents } from './progress/index.js';
import { planRequests } from './plan/plan.js';
import { scoreIndicator, totals, type IndicatorResult, type Totals } from './score/score.js';

export interface AuditOptions {
  criteria: Criteria;
  dispatcher: Dispatcher;
  now: Date;
  /** Stop starting requests; in-flight ones get `graceMs` to finish, then are aborted. */
  signal?: AbortSignal;
  graceMs?: number;
  progress?: ProgressEvents;
  cache?: ResponseCache;
}

const DEFAULT_GRACE_MS = 3000;

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
  newlyFailing: { id: string; title: string; reason: string; previous: 'pass' | 'unverified' | 'new' }[];
  fixed: { id: string; title: string }[];
}


/** load → plan → fetch (rate-limited) → check → score. Reporting is the caller's. */
export async function runAudit(options: AuditOptions): Promise<AuditReport> {
  const startedAt = new Date();
  const { criteria, now, signal, progress } = options;
  const abortInflight = graceAfter(signal, options.graceMs ?? DEFAULT_GRACE_MS);
  const plan = planRequests(criteria);
  const fetchContext = fetchContextFor(options, abortInflight.signal);
  const probe = new ErrorPageProbe((url) => fetchUrl(url, fetchContext));

  // Each page is judged as soon as it arrives and then let go, so bodies never pile up.
  const results = new Map<Evidence, EvidenceResult>();
  progress?.start(plan.requests.size, hostCounts(plan.requests.keys()));
  try {
    await Promise.all([...plan.requests].map(async ([url, citing]) => {
      const fetched = await fetchUrl(url, fetchContext);
      const evaluateOptions = { now, soft404Phrases: criteria.settings.soft404Phrases, ...(await errorPageFor(fetched, probe)) };
      for (const evidence of citing) results.set(evidence, judgeSafely(evidence, fetched, evaluateOptions));
      if (!fetched.ok && fetched.error.code === 'INTERRUPTED') return; // not finished, so not progress
      const failed = !fetched.ok || fetched.status >= 400;
      progress?.urlDone(new URL(url).host, url, failed ? 'failed' : 'ok', fetched.durationMs);
    }));
  } finally {
    progress?.stop();
    abortInflight.dispose();
  }

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

function fetchContextFor(options: AuditOptions, abortInflight: AbortSignal): FetchContext {
  const { criteria, signal } = options;
  const hostOf = (host: string) => criteria.hosts[host.toLowerCase()];
  return {
    dispatcher: options.dispatcher,
    scheduler: new HostScheduler({ ...criteria.settings, hostLimits: hostOf }),
    settings: criteria.settings,
    ...(signal ? { signal, abortInflight } : {}),
    ...(options.cache ? { cache: options.cache } : {}),
    hostHeaders: (host) => headersFor(hostOf(host)),
    // Retrying a bot wall only annoys it.
    shouldRetry: (r: RetryCandidate) => !detectBotWall(r.status, r.headers, r.body.toString('latin1'), undefined),
  };
}

function headersFor(host: HostSettings | undefined): Record<string, string> {
  if (!host) return {};
  const cookies = Object.entries(host.cookies).map(([name, value]) => `${name}=${value}`).join('; ');
  return { ...host.headers, ...(cookies ? { cookie: cookies } : {}) };
}

/** Only a page that loaded (2xx HTML) can be an error page in disguise, so only then is the host probed. */
async function errorPageFor(fetched: FetchResult, probe: ErrorPageProbe): Promise<{ errorPage?: ErrorPage }> {
  if (!fetched.ok || fetched.status < 200 || fetched.status >= 300) return {};
  const errorPage = await probe.forOrigin(new URL(fetched.finalUrl).origin);
  return errorPage ? { errorPage } : {};
}

function hostCounts(urls: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const url of urls) {
    const host = new URL(url).host;
    counts.set(host, (counts.get(host) ?? 0) + 1);
  }
  return counts;
}

/**
 * Once the run is told to stop, requests already on the wire get a grace period to finish,
 * since their answers are nearly in; then they are aborted too.
 */
function graceAfter(stop: AbortSignal | undefined, graceMs: number): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  // Every waiting request listens on these signals; hundreds at once is expected, not a leak.
  setMaxListeners(0, controller.signal);
  if (stop) setMaxListeners(0, stop);
  let timer: NodeJS.Timeout | undefined;
  const onStop = () => {
    timer = setTimeout(() => controller.abort(), graceMs);
  };
  if (stop?.aborted) onStop();
  else stop?.addEventListener('abort', onStop, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      stop?.removeEventListener('abort', onStop);
    },
  };
}

import { setMaxListeners } from 'node:events';
import type { Dispatcher } from 'undici';
import { toArchivedExchange, type EvidenceArchive } from './archive/index.js';
import { type ArchiveRecordRef } from './model/archive.js';
import { evaluateEvidence, internalFailure, showsHostErrorPage, type EvaluateOptions, type Page } from './check/evaluate.js';
import { inspectPage, type InspectTools, type PageIo } from './inspect.js';
import { CertificateWatch } from './certificates.js';
import type { ProxySettings } from './network/index.js';
import { Renderer, schedulerGate } from './render/index.js';
import { detectBotWall, wallMarkerText } from './check/signatures.js';
import type { EvidenceResult } from './model/results.js';
import type { Criteria, Evidence } from './model/criteria.js';
import { ErrorPageProbe, showsHostRoot, type ErrorPage } from './check/probe.js';
import type { HostSettings, RenderMode } from './model/criteria.js';
import { fetchUrl, type Exchange, type FetchContext, type RetryCandidate } from './fetch/fetcher.js';
import { type FetchFailure, type FetchResult } from './model/fetch.js';
import type { ResponseCache } from './fetch/cache.js';
import { HostScheduler } from './fetch/scheduler.js';
import type { ProgressEvents } from './progress/index.js';
import { planRequests, type Plan } from './plan/plan.js';
import { takeTurns } from './util/turns.js';
import { ValuePool } from './util/value-pool.js';
import type { Reason } from './model/reasons.js';
import { scoreIndicator, totals, type Results } from './score/score.js';
import type { Spool } from './spool/spool.js';
import type { AuditReport } from './model/report.js';

export interface AuditOptions {
  criteria: Criteria;
  dispatcher: Dispatcher;
  now: Date;
  /** Stop starting requests; in-flight ones get `graceMs` to finish, then are aborted. */
  signal?: AbortSignal;
  graceMs?: number;
  progress?: ProgressEvents;
  cache?: ResponseCache;
  /** The browser for script-filled pages (see findBrowser); without one they stay unverified, saying how to get one. */
  browserPath?: string;
  renderOverride?: RenderMode;
  /** --archive: every response, rendered DOM and screenshot, kept as WARC. Closed by the caller. */
  archive?: EvidenceArchive;
  /** How the dispatcher reaches sites: for blaming a proxy, and for looking at certificates. */
  network?: { proxy?: ProxySettings; ca?: string[]; insecureHosts?: (host: string) => boolean };
  env?: Record<string, string | undefined>;
  /**
   * Results go to this file as they are judged rather than staying in memory (see Spool); with one
   * reopened by --resume, evidence already in it is not fetched again.
   */
  spool?: Spool;
}

const DEFAULT_GRACE_MS = 3000;

/** load → plan → fetch (rate-limited) → check → score. Reporting is the caller's. */
export async function runAudit(options: AuditOptions): Promise<AuditReport> {
  const { criteria, now, signal, progress, spool } = options;
  const startedAt = spool ? new Date(spool.header.startedAt) : new Date();
  const abortInflight = graceAfter(signal, options.graceMs ?? DEFAULT_GRACE_MS);
  const plan = planRequests(criteria);
  const fetchContext = fetchContextFor(options, abortInflight.signal);
  const probe = new ErrorPageProbe((url) => fetchUrl(url, fetchContext));
  const certificates = new CertificateWatch(options, fetchContext.scheduler);
  const renderer = rendererFor(options, fetchContext.scheduler, abortInflight.signal);
  const tools = inspectTools(options, renderer);
  // Each page is judged as soon as it arrives and then let go, so bodies never pile up.
  const { keep, judged } = resultKeeper(spool);
  const nextTurn = takeTurns();
  const checkUrl = async (url: string, citing: Evidence[]) => {
    const refs: Promise<ArchiveRecordRef>[] = [];
    const context = options.archive ? { ...fetchContext, onExchange: (e: Exchange) => refs.push(options.archive!.addExchange(toArchivedExchange(e))) } : fetchContext;
    const hold = fetchContext.scheduler.pageHold();
    let fetched: FetchResult, evaluateOptions: EvaluateOptions, outcome: Page | FetchFailure | Error;
    try {
      fetched = await fetchUrl(url, context, hold);
      evaluateOptions = { now, soft404Phrases: criteria.settings.soft404Phrases, ...(await errorPageFor(fetched, probe)) };
      await nextTurn();
      outcome = await inspectSafely(fetched, citing, evaluateOptions, tools, { refs, fetch: (more) => fetchUrl(more, context) });
      evaluateOptions = await withHomeKnown(outcome, evaluateOptions, probe);
    } finally {
      hold.release();
    }
    const archived = await whatWasArchived(refs);
    // A host never reached, or a run already stopped, has no certificate worth a handshake.
    // The fetch's own warnings (an https link redirected to plain http) come first.
    const warnings = [...(fetched.warnings ?? []), ...(fetched.ok && !signal?.aborted ? await certificates.warningsFor(url) : [])];
    for (const evidence of citing) {
      keep(evidence, judgeSafely(evidence, fetched, outcome, evaluateOptions, archived), warnings);
      if (options.archive && archived.length > 0) options.archive.link(archiveEntry(evidence, plan), archived);
    }
    if (!fetched.ok && fetched.error.code === 'INTERRUPTED') return; // not finished, so not progress
    const failed = !fetched.ok || fetched.status >= 400;
    progress?.urlDone(new URL(url).host, url, failed ? 'failed' : 'ok', fetched.durationMs);
  };
  const toCheck = spool ? notYetJudged(plan.requests, spool) : plan.requests;
  const byHost = groupByHost(toCheck);
  progress?.start(toCheck.size, new Map([...byHost].map(([host, urls]) => [host, urls.length])));
  try {
    await Promise.all([...byHost].map(([host, urls]) => workThrough(urls, fetchContext.scheduler.concurrencyFor(host), checkUrl)));
  } finally {
    progress?.stop();
    abortInflight.dispose();
    await renderer?.close();
  }

  const indicators = criteria.indicators.map((indicator) => scoreIndicator(indicator, judged));
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

/** One browser for the run's script-filled pages; with block_private one that starts none and answers every page with why. */
function rendererFor(options: AuditOptions, scheduler: HostScheduler, abortInflight: AbortSignal): Renderer | undefined {
  const { settings } = options.criteria;
  if (!options.browserPath && !settings.blockPrivate) return undefined;
  const proxy = options.network?.proxy;
  return new Renderer({
    executablePath: options.browserPath ?? '',
    blockPrivate: settings.blockPrivate,
    ...(proxy ? { proxy: { server: proxy.httpsProxy || proxy.httpProxy, ...(proxy.noProxy ? { bypass: proxy.noProxy } : {}) } } : {}),
    pagePool: settings.renderPages,
    timeoutMs: settings.timeoutMs,
    userAgent: settings.userAgent,
    gate: schedulerGate(scheduler, abortInflight),
    signal: abortInflight,
  });
}

function inspectTools(options: AuditOptions, renderer: Renderer | undefined): InspectTools {
  const { criteria, signal } = options;
  return {
    ...(renderer ? { renderer } : {}),
    ...(options.renderOverride ? { renderOverride: options.renderOverride } : {}),
    ...(options.archive ? { archive: options.archive } : {}),
    env: options.env ?? {},
    hostOf: (host) => hostSettings(criteria, host),
    hostHeaders: (host) => headersFor(hostSettings(criteria, host)),
    ...(options.network?.insecureHosts ? { insecureHosts: options.network.insecureHosts } : {}),
    stopped: () => Boolean(signal?.aborted),
  };
}

/**
 * Where judged results wait for scoring: on disk when spooling (but never one the stop cut short:
 * --resume must check it again), else in memory, their checks shared through a ValuePool.
 */
function resultKeeper(spool: Spool | undefined): { keep: (evidence: Evidence, result: EvidenceResult, warnings: Reason[]) => void; judged: Results } {
  const results = new Map<Evidence, EvidenceResult>();
  const pool = new ValuePool();
  const keep = (evidence: Evidence, result: EvidenceResult, warnings: Reason[]) => {
    if (spool && !wasInterrupted(result)) spool.add(evidence, warnings.length > 0 ? { ...result, warnings } : result);
    else results.set(evidence, keptUntilReport(result, warnings, pool));
  };
  return { keep, judged: spool ? { get: (e) => results.get(e) ?? spool.get(e), onDisk: true } : results };
}

/**
 * A result as it waits for the report: its checks are shared with every result that says the
 * same (a passing page's four checks were a dozen small objects, kept to the end of the run), and
 * an empty redirect list is one shared list.
 */
function keptUntilReport(result: EvidenceResult, warnings: Reason[], pool: ValuePool): EvidenceResult {
  return {
    ...result,
    redirects: result.redirects.length === 0 ? NO_REDIRECTS : result.redirects,
    checks: result.checks.map((check) => pool.of(check)),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

const NO_REDIRECTS: readonly string[] = Object.freeze([]);

/** Cut short by a stop (Ctrl-C, max_time): the fetch or the render never finished. */
function wasInterrupted(result: EvidenceResult): boolean {
  if (!result.fetch.ok && result.fetch.error.code === 'INTERRUPTED') return true;
  return result.checks.some((c) => c.reason.code === 'RENDER_UNAVAILABLE' && c.reason.params.code === 'INTERRUPTED');
}

/** What a resumed run still has to fetch: URLs with any citing evidence not yet in the spool. */
function notYetJudged(requests: Map<string, Evidence[]>, spool: Spool): Map<string, Evidence[]> {
  return new Map([...requests].filter(([, citing]) => citing.some((e) => !spool.has(e))));
}

/**
 * One odd page must never cost the report for the other links: anything that throws while
 * reading or judging it leaves that evidence unverified, with the error as the reason.
 */
async function inspectSafely(fetched: FetchResult, citing: Evidence[], options: EvaluateOptions, tools: InspectTools, io: PageIo): Promise<Page | FetchFailure | Error> {
  if (!fetched.ok) return fetched;
  try {
    return await inspectPage(fetched, citing, options, tools, io);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

function judgeSafely(evidence: Evidence, fetched: FetchResult, outcome: Page | FetchFailure | Error, options: EvaluateOptions, archived: ArchiveRecordRef[]): EvidenceResult {
  try {
    if (outcome instanceof Error) throw outcome;
    return evaluateEvidence(evidence, outcome, options, archived);
  } catch (error) {
    return internalFailure(evidence, fetched, error);
  }
}

/** A record that failed to write is left out, not allowed to fail the audit. */
async function whatWasArchived(refs: Promise<ArchiveRecordRef>[]): Promise<ArchiveRecordRef[]> {
  const settled = await Promise.allSettled(refs);
  return settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
}

function archiveEntry(evidence: Evidence, plan: Plan) {
  return { indicatorId: plan.indicatorOf.get(evidence)?.id ?? '', title: evidence.title, url: evidence.url, line: evidence.position.line };
}

function fetchContextFor(options: AuditOptions, abortInflight: AbortSignal): FetchContext {
  const { criteria, signal } = options;
  const hostOf = (host: string) => hostSettings(criteria, host);
  return {
    dispatcher: options.dispatcher,
    scheduler: new HostScheduler({ ...criteria.settings, hostLimits: hostOf }),
    settings: criteria.settings,
    ...(signal ? { signal, abortInflight } : {}),
    ...(options.cache ? { cache: options.cache } : {}),
    ...(options.network?.proxy ? { proxy: options.network.proxy } : {}),
    hostHeaders: (host) => headersFor(hostOf(host)),
    // Retrying a bot wall only annoys it.
    shouldRetry: (r: RetryCandidate) => !detectBotWall(r.status, r.headers, wallMarkerText(r.body), undefined),
  };
}

/** `hosts:` keys may carry a port or not; a host with a port also takes its bare name's settings. */
export function hostSettings(criteria: Criteria, host: string): HostSettings | undefined {
  const name = host.toLowerCase();
  return criteria.hosts[name] ?? criteria.hosts[name.replace(/:\d+$/, '')];
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

/**
 * A host that answers every address with its home page has its home page as its error page: a
 * page showing it is either the home page cited, or a soft 404. The host's root, when cited,
 * settles which for free; otherwise the root is fetched once, and only when a deeper link shows
 * the error page.
 */
async function withHomeKnown(outcome: Page | FetchFailure | Error, options: EvaluateOptions, probe: ErrorPageProbe): Promise<EvaluateOptions> {
  if (!options.errorPage || outcome instanceof Error || !('response' in outcome)) return options;
  const shows = showsHostErrorPage(outcome, options);
  if (shows === undefined) return options;
  const { url, finalUrl } = outcome.response;
  const origin = new URL(finalUrl).origin;
  if (showsHostRoot(url, finalUrl)) {
    probe.knowHome(origin, shows);
    return options;
  }
  return shows ? { ...options, errorPageIsHome: await probe.errorPageIsHome(origin, options.errorPage) } : options;
}

function groupByHost(requests: Map<string, Evidence[]>): Map<string, [string, Evidence[]][]> {
  const byHost = new Map<string, [string, Evidence[]][]>();
  for (const entry of requests) {
    const host = new URL(entry[0]).host;
    const list = byHost.get(host);
    if (list) list.push(entry);
    else byHost.set(host, [entry]);
  }
  return byHost;
}

/**
 * A host's URLs are worked through by as many workers as the host may have requests in flight,
 * rather than all started at once: 20,000 URLs then cost 20,000 strings in a list, not 20,000
 * suspended requests, and every host still runs at its full polite pace from the first second.
 */
async function workThrough(urls: [string, Evidence[]][], workers: number, check: (url: string, citing: Evidence[]) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < urls.length) {
      const [url, citing] = urls[next++]!;
      await check(url, citing);
    }
  };
  await Promise.all(Array.from({ length: Math.min(workers, urls.length) }, worker));
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

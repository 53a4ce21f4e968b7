import type { ArchiveRecordRef } from '../model/archive.js';
import { cheerio } from '../criteria/selector.js';
import type { Evidence } from '../model/criteria.js';
import { decodeBody } from '../fetch/decode.js';
import { isLocalProblem } from '../fetch/errors.js';
import type { FetchedResponse, FetchFailure, FetchResult } from '../model/fetch.js';
import { chinaDay, newestPastDateIn, type FoundDate } from './dates.js';
import { embeddedLists, findScriptLoader, spliceHtml, type ScriptLoader } from '../quirks/index.js';
import { checkFreshness, findLastUpdated } from './freshness.js';
import { factsFromHead, type HeadOptions } from './head.js';
import { checkKeywords } from './keywords.js';
import { analyzeHtml, CONTENT_CHECK_BYTES, looksLikeHtml, type PageFacts } from './page.js';
import { detectBotWall, findSoft404Phrase, wallMarkerText, type BotWall } from './signatures.js';
import { reason, type Reason } from '../model/reasons.js';
import type { RenderFailure } from '../render/index.js';
import type { DocumentProblem, DocumentText } from '../documents/index.js';
import { citesHomePage, echoesOf, fingerprintOf, looksLikeErrorPage, mayBeErrorPage, redirectedHome, showsHostRoot, type ErrorPage } from './probe.js';
import { checkStatus } from './status.js';
import { withoutSpaces } from '../util/text.js';
import {
  combineVerdicts, fail, pass, unverified, type CheckResult, type EvidenceResult,
} from '../model/results.js';

/** A fetched page decoded and analysed once, then shared by every evidence that cites its URL. */
export interface Page {
  response: FetchedResponse;
  html?: string;
  facts?: PageFacts;
  /**
   * A script on the page may fill it (quirks/loaders.ts): a check that would fail on this HTML is
   * unverified instead, unless the page was rendered.
   */
  scriptLoader?: ScriptLoader;
  /** The DOM after rendering in a browser replaced the fetched HTML. */
  rendered?: true;
  /** Rendering was wanted but could not be done (no browser, timeout, …). */
  renderFailure?: RenderFailure;
  /** `render: always` asked for the browser: without it, no text check is judged on the HTML. */
  renderRequired?: true;
  /** Lists the page loads by script that were fetched directly and read in place (Anhui's /site/label/). */
  listFrom?: string[];
  /** A PDF, DOCX or XLSX, read for its text and dates, or why it could not be. */
  document?: DocumentText | DocumentProblem;
  /** What the page says about itself, worked out once however many evidence cite it. */
  memo?: Map<string, unknown>;
}

/** Page-level findings (bot wall, soft 404, the selector's DOM) are the same for every citing evidence. */
function once<T>(page: Page, key: string, compute: () => T): T {
  page.memo ??= new Map();
  if (!page.memo.has(key)) page.memo.set(key, compute());
  return page.memo.get(key) as T;
}

/** The page's text without spaces, which keywords and the error-page comparison both read. */
function compactTextOf(page: Page, facts: PageFacts): string {
  return once(page, 'compact', () => withoutSpaces(facts.text));
}

export interface EvaluateOptions {
  now: Date;
  soft404Phrases: readonly string[];
  /** The host's own error page, learned by probing a path that cannot exist. */
  errorPage?: ErrorPage;
  /**
   * The host answers every address with its home page (see ErrorPageProbe.errorPageIsHome), when
   * that is known: a page showing the error page is then the home page, cited or not.
   */
  errorPageIsHome?: boolean;
}


export interface PrepareOptions {
  /** Only the content check reads the page (no keywords, max_age or selector): its head is enough. */
  contentOnly?: boolean;
  /** The DOM a browser rendered: final, so no script on it is waited for. */
  rendered?: boolean;
  /** With contentOnly: what the content check compares the page with, so that a long page is read from its head (check/head.ts). */
  judgedBy?: HeadOptions;
}

export function preparePage(response: FetchedResponse, { contentOnly = false, rendered = false, judgedBy }: PrepareOptions = {}): Page {
  if (!looksLikeHtml(response.headers['content-type'], response.body)) return { response };
  const prefixOnly = contentOnly && response.body.length > CONTENT_CHECK_BYTES;
  const body = prefixOnly ? response.body.subarray(0, CONTENT_CHECK_BYTES) : response.body;
  const html = decodeBody(body, response.headers['content-type']);
  const head = contentOnly && judgedBy ? factsFromHead(response, html, judgedBy) : undefined;
  if (head) return { response, html, facts: head };
  // A page longer than the prefix read is no empty shell waiting for a script.
  return pageFromHtml(response, html, { waitsForScripts: !contentOnly && !rendered });
}

/**
 * The page's facts from its HTML, with lists embedded as data read where they stand (Hanweb), and
 * the script that may still fill it, if any.
 */
export function pageFromHtml(response: FetchedResponse, html: string, { waitsForScripts = true } = {}): Page {
  const facts = analyzeHtml(html);
  // Read in a rendered DOM too: its script block is still there if the renderer script did not run.
  const lists = embeddedLists(facts.scripts);
  const page = lists.length > 0 ? spliced(response, html, lists) : { response, html, facts };
  const loader = waitsForScripts ? findScriptLoader(page.facts, { embeddedListRead: lists.length > 0 }) : undefined;
  return loader ? { ...page, scriptLoader: loader } : page;
}

function spliced(response: FetchedResponse, html: string, lists: Parameters<typeof spliceHtml>[1]): Page & { html: string; facts: PageFacts } {
  const withLists = spliceHtml(html, lists);
  return { response, html: withLists, facts: analyzeHtml(withLists) };
}

/** Judges one evidence from its URL's shared outcome: a failed fetch, or a page to check. */
export function evaluateEvidence(evidence: Evidence, outcome: FetchFailure | Page, options: EvaluateOptions, archived: ArchiveRecordRef[] = []): EvidenceResult {
  const fetched = 'response' in outcome ? withoutBody(outcome.response) : outcome;
  const { checks, dated } = 'response' in outcome ? judgePage(evidence, outcome, options) : { checks: [fetchProblem(outcome)], dated: undefined };
  const result: EvidenceResult = {
    evidence,
    verdict: combineVerdicts(checks.map((c) => c.status)),
    finalUrl: fetched.finalUrl,
    redirects: fetched.redirects.map((hop) => hop.url),
    checks,
    durationMs: fetched.durationMs,
    fetch: fetched,
  };
  if ('response' in outcome && outcome.rendered) result.rendered = true;
  if ('response' in outcome && outcome.listFrom) result.listFrom = outcome.listFrom;
  if (archived.length > 0) result.archived = archived;
  if (fetched.ok) result.httpStatus = fetched.status;
  if (dated) {
    result.lastUpdated = dated.date;
    result.dateSource = dated.source;
  }
  return result;
}

export function internalFailure(evidence: Evidence, fetched: FetchResult, error: unknown): EvidenceResult {
  const summary = fetched.ok ? withoutBody(fetched) : fetched;
  const check = unverified('content', reason('ANALYSIS_FAILED', { detail: (error as Error)?.message ?? String(error) }));
  return {
    evidence, verdict: 'unverified', finalUrl: summary.finalUrl, redirects: summary.redirects.map((hop) => hop.url),
    checks: [check], durationMs: summary.durationMs, fetch: summary,
    ...(fetched.ok ? { httpStatus: fetched.status } : {}),
  };
}

/**
 * Not memoised as a whole: the run learns whether the error page is the home page only after the
 * page is inspected (see showsHostErrorPage), and the verdict must use what it learned.
 */
function disguisedErrorPage(page: Page, options: EvaluateOptions): Reason | undefined {
  const { response } = page;
  if (redirectedHome(response.url, response.finalUrl)) return reason('REDIRECTED_HOME', { finalUrl: response.finalUrl });
  const { errorPage } = options;
  if (!errorPage || !matchesErrorPage(page, errorPage)) return undefined;
  // A host that answers every address with its home page: the home page is no soft 404, any other link showing it is.
  const isHome = options.errorPageIsHome || showsHostRoot(response.url, response.finalUrl);
  if (!isHome) return reason('LOOKS_LIKE_ERROR_PAGE', { probeUrl: errorPage.probeUrl });
  return citesHomePage(response.url) ? undefined : reason('SHOWS_HOME_PAGE', { probeUrl: errorPage.probeUrl });
}

/** The page's text, its own address taken out, against the host's error page: worked out once per page. */
function matchesErrorPage(page: Page, errorPage: ErrorPage): boolean {
  return once(page, 'errorPage', () => {
    const { facts, response } = page;
    if (!facts) return false;
    const echoes = echoesOf([response.url, response.finalUrl]);
    return mayBeErrorPage(facts.text, errorPage, echoes) && looksLikeErrorPage(fingerprintOf(compactTextOf(page, facts), echoes), errorPage);
  });
}

/**
 * Whether the content check, reaching the error-page comparison, finds the page is the host's
 * error page; undefined when it stops before (a bot wall, no HTML, not a success, a soft-404
 * phrase, a redirect home), so the run fetches nothing to tell the home page from an error page
 * for a page that is judged without it.
 */
export function showsHostErrorPage(page: Page, options: EvaluateOptions): boolean | undefined {
  const { response, facts } = page;
  if (!options.errorPage || !facts || page.document || response.status < 200 || response.status >= 300) return undefined;
  if (botWallOn(page) || once(page, 'soft404', () => findSoft404Phrase(facts, options.soft404Phrases))) return undefined;
  if (redirectedHome(response.url, response.finalUrl)) return undefined;
  return matchesErrorPage(page, options.errorPage);
}

/** Challenge pages often come without an HTML content type; their markers are ASCII either way. */
function botWallOn(page: Page): BotWall | undefined {
  const { response } = page;
  return once(page, 'wall', () => detectBotWall(response.status, response.headers, page.html ?? wallMarkerText(response.body), page.facts));
}

/** What a report says of a fetch. Body and headers are let go: 20,000 results would hold them to the end. */
function withoutBody({ body: _body, headers: _headers, ...rest }: FetchedResponse): Omit<FetchedResponse, 'body' | 'headers'> {
  return rest;
}

function fetchProblem(failure: FetchFailure): CheckResult {
  return isLocalProblem(failure.error.code) ? unverified('fetch', failure.error) : fail('fetch', failure.error);
}

interface Judgement {
  checks: CheckResult[];
  dated?: FoundDate | undefined;
}

/** Checks run in order and stop where the next would judge the wrong thing (a bot wall, an error page). */
function judgePage(evidence: Evidence, page: Page, options: EvaluateOptions): Judgement {
  const { response, facts } = page;
  // A document is not a challenge page; scanning 50 MB of PDF for one would only cost time.
  const wall = !page.document && botWallOn(page);
  if (wall) {
    return { checks: [unverified('blocked', reason('BOT_WALL', wall))] };
  }
  const status = checkStatus(response, evidence.checks.status);
  if (status.status !== 'pass') return { checks: [status] };
  const checks = [status];
  if (!facts) return documentChecks(evidence, page, checks, options.now);

  // Only a success can be a soft 404; an expected 404 page is allowed to say it is missing.
  const soft404 = response.status < 300 && once(page, 'soft404', () => findSoft404Phrase(facts, options.soft404Phrases));
  if (soft404) return { checks: [...checks, fail('content', reason('SOFT_404', { phrase: soft404 }))] };
  const sentAway = response.status < 300 && disguisedErrorPage(page, options);
  if (sentAway) return { checks: [...checks, fail('content', sentAway)] };
  checks.push(pass('content', reason('CONTENT_OK', {})));

  const renderUnavailable = page.renderFailure && unverified('render', reason('RENDER_UNAVAILABLE', { code: page.renderFailure.code, detail: page.renderFailure.detail }));
  // `render: always` said the HTML alone cannot show the content: judging it anyway would fail good evidence.
  if (renderUnavailable && page.renderRequired && (evidence.checks.keywords || evidence.checks.maxAge)) {
    return { checks: [...checks, renderUnavailable] };
  }
  const text = judgeText(evidence, page, facts, options.now);
  // The browser was wanted for what the HTML left unsettled: say why it did not settle it.
  if (renderUnavailable && text.checks.some(isUnsettledByScript)) text.checks.push(renderUnavailable);
  return { checks: [...checks, ...text.checks], dated: text.dated };
}

/** Why a check on a page with a loader is unverified: the reasons a rendered page would settle. */
const UNSETTLED_BY_SCRIPT: ReadonlySet<string> = new Set(['KEYWORDS_UNSEEN', 'NO_DATE_SCRIPT_FILLED', 'STALE_SCRIPT_FILLED', 'SELECTOR_UNSEEN']);

function isUnsettledByScript(check: CheckResult): boolean {
  return check.status === 'unverified' && UNSETTLED_BY_SCRIPT.has(check.reason.code);
}

/**
 * True when a check would fail on the static HTML but a script on the page may fill what it looks
 * for: under `render: auto` that page is worth rendering, and without a browser the check is unverified.
 */
export function unsettledByScript(evidence: Evidence, page: Page, options: EvaluateOptions): boolean {
  return Boolean(page.scriptLoader) && judgePage(evidence, page, options).checks.some(isUnsettledByScript);
}

/**
 * The selector, keyword and freshness checks. On a page a script may still fill, what would fail
 * on the HTML is unverified: the script may add the missing word, element or newer item.
 */
function judgeText(evidence: Evidence, page: Page, facts: PageFacts, now: Date): Judgement {
  const loader = page.scriptLoader;
  const scope = scopedText(page, evidence.checks.selector);
  if (typeof scope !== 'string') {
    const empty = loader && scope.reason.code === 'SELECTOR_EMPTY';
    return { checks: [empty ? unverified('content', reason('SELECTOR_UNSEEN', { selector: evidence.checks.selector!, ...loader })) : scope] };
  }
  const checks: CheckResult[] = [];
  if (evidence.checks.keywords) {
    const compact = scope === facts.text ? compactTextOf(page, facts) : undefined;
    checks.push(checkKeywords(evidence.checks.keywords, scope, loader, compact));
  }
  if (!evidence.checks.maxAge) return { checks };

  const dated = findLastUpdated(facts, scope, page.response.headers['last-modified'], chinaDay(now));
  const freshness = checkFreshness(dated, evidence.checks.maxAge, now);
  checks.push(loader && freshness.status === 'fail' ? unsettledFreshness(freshness, loader) : freshness);
  return { checks, dated };
}

function unsettledFreshness(failed: CheckResult, loader: ScriptLoader): CheckResult {
  return failed.reason.code === 'STALE'
    ? unverified('freshness', reason('STALE_SCRIPT_FILLED', { ...failed.reason.params, ...loader }))
    : unverified('freshness', reason('NO_DATE_SCRIPT_FILLED', loader));
}

/** The visible text the keyword and date search look at: the whole page, or what `selector` picks. */
function scopedText(page: Page, selector: string | undefined): string | CheckResult {
  if (!selector) return page.facts!.text;
  const { load } = cheerio(); // outside the try: a missing library is no fault of the selector
  let picked: string;
  try {
    const $ = once(page, 'dom', () => load(page.html!, { xml: { xmlMode: false, decodeEntities: true } }));
    const selection = $(selector);
    if (selection.length === 0) return fail('content', reason('SELECTOR_EMPTY', { selector }));
    picked = selection.toArray().map((el) => $.html(el)).join('\n');
  } catch (error) {
    return fail('content', reason('SELECTOR_INVALID', { selector, detail: (error as Error).message }));
  }
  return analyzeHtml(picked).text;
}

/** A document is judged like a page: keywords in its text, freshness from its own dates, then dates in its text. */
function documentChecks(evidence: Evidence, page: Page, checks: CheckResult[], now: Date): Judgement {
  const { keywords, maxAge } = evidence.checks;
  if (!keywords && !maxAge) return { checks };
  const { document } = page;
  if (!document) {
    const type = page.response.headers['content-type']?.split(';')[0] ?? 'unknown type';
    return { checks: [...checks, unverified('content', reason('DOCUMENT_UNREAD', { type }))] };
  }
  if (!document.ok) {
    return { checks: [...checks, unverified('content', reason('DOCUMENT_UNREADABLE', { kind: document.kind, code: document.code, detail: document.detail }))] };
  }
  const out = [...checks, pass('content', reason('CONTENT_OK', {}))];
  if (keywords) out.push(keywordsInDocument(keywords, document));
  if (!maxAge) return { checks: out };
  const dated = documentDate(document, chinaDay(now));
  out.push(checkFreshness(dated, maxAge, now));
  return { checks: out, dated };
}

/** A scanned PDF has no text layer, and a cut-off one lacks its end: a missing word there proves nothing. */
function keywordsInDocument(rule: NonNullable<Evidence['checks']['keywords']>, document: DocumentText): CheckResult {
  const result = checkKeywords(rule, document.text);
  if (result.status !== 'fail' || result.reason.code !== 'KEYWORDS_MISSING') return result;
  const why = document.text.trim() === '' ? 'scanned' : document.truncated ? 'truncated' : undefined;
  return why ? unverified('keywords', reason('DOCUMENT_PARTIAL', { why })) : result;
}

function documentDate(document: DocumentText, today: string): FoundDate | undefined {
  for (const meta of document.metaDates) {
    if (meta.date <= today) return { date: meta.date, source: meta.source };
  }
  const inText = newestPastDateIn(document.text, today);
  return inText ? { date: inText, source: 'document text' } : undefined;
}

import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ArchiveRecordRef } from '../model/archive.js';
import type { AuditReport } from '../model/report.js';
import type { CheckName, CheckResult, EvidenceResult } from '../model/results.js';
import type { Evidence, Indicator } from '../model/criteria.js';
import type { FetchError } from '../model/fetch.js';
import { parseLang, type Lang } from '../i18n/index.js';
import { roundScore, scoreIndicator, totals } from '../score/score.js';
import { sanitize } from './sanitize.js';
import {
  array, boolean, date, Malformed, maybeNumber, maybeString, NoParams, number, object, reasonOf, string, strings, verdict, type Json,
} from './read-json.js';
import { readChanges, readSelection } from './read-head.js';

/**
 * A JSON report (version 1) read back into the AuditReport it was written from, so that every
 * format can be written again from it, in either language: `audit merge` works on these.
 *
 * Only what a run judged is read: each evidence's result, with its checks' reasons as code and
 * params. Scores, verdicts, counts and first problems are not taken from the file but worked out
 * again by src/score/score.ts, exactly as the run did; a file whose score does not follow from its
 * evidence is refused. Reports written before checks carried `params` cannot be worded again, and
 * are refused with a message that says so.
 */
export interface ReadReport {
  report: AuditReport;
  /** The language the file's messages were written in. */
  lang: Lang;
  /** The criteria tree as the report gives it; results are keyed by its Evidence objects. */
  indicators: Indicator[];
  results: Map<Evidence, EvidenceResult>;
}

export class ReportReadError extends Error {
  readonly code = 'E_REPORT';
}

export interface ReadOptions {
  /** Word the selection and changes in this language; by default the file's. */
  lang?: Lang;
}

/** Reads and checks a report file; every problem is a ReportReadError naming the file and the fix. */
export async function readReportFile(path: string, shownPath: string, options: ReadOptions = {}): Promise<ReadReport> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : sanitize((error as Error).message);
    throw new ReportReadError(`${shownPath}: cannot read it (${why}); pass a report written with --format json or --output FILE.json`);
  }
  return parseReport(json, shownPath, { ...options, reportPath: path });
}

export function parseReport(json: unknown, file: string, options: ReadOptions & { reportPath?: string } = {}): ReadReport {
  try {
    return readTop(object(json, 'the report'), options);
  } catch (error) {
    if (error instanceof NoParams) {
      throw new ReportReadError(`${file}: written by an earlier version of audit, whose JSON reports do not carry each check's params (at ${error.message}); run the audit again with this version to get a report that can be merged`);
    }
    if (error instanceof Malformed) {
      throw new ReportReadError(`${file}: not a JSON report this version of audit can read (${sanitize(error.message)}); pass a report written with --format json or --output FILE.json`);
    }
    throw error;
  }
}

function readTop(j: Json, options: ReadOptions & { reportPath?: string }): ReadReport {
  if (j.version !== 1) throw new Malformed('version', 'expected 1');
  const lang = parseLang(string(j, 'lang', 'report'));
  if (!lang) throw new Malformed('lang', 'expected zh or en');
  const results = new Map<Evidence, EvidenceResult>();
  const indicators = array(j, 'indicators', 'report').map((item, i) => readIndicator(object(item, `indicators[${i}]`), `indicators[${i}]`, results));
  const scored = indicators.map((indicator) => scoreIndicator(indicator, results));
  const report: AuditReport = {
    title: string(j, 'title', 'report'),
    criteria: readCriteria(object(j.criteria, 'criteria')),
    now: date(j, 'now', 'report'),
    startedAt: date(j, 'started_at', 'report'),
    finishedAt: date(j, 'finished_at', 'report'),
    complete: boolean(j, 'complete', 'report'),
    indicators: scored,
    totals: totals(scored),
  };
  if (roundScore(report.totals.score) !== number(j, 'score', 'report')) {
    throw new Malformed('score', `${String(j.score)} does not follow from the evidence (it scores ${report.totals.score}): the file was changed, or written by a version that scores differently`);
  }
  const outLang = options.lang ?? lang;
  const reword = lang === outLang ? undefined : outLang;
  if (j.selection !== undefined) Object.assign(report, readSelection(object(j.selection, 'selection'), reword));
  if (j.changes !== undefined) report.changes = readChanges(object(j.changes, 'changes'), scored, reword);
  if (j.archive !== undefined) report.archive = readArchive(object(j.archive, 'archive'), options.reportPath);
  if (j.shard !== undefined) report.shard = readShard(object(j.shard, 'shard'));
  return { report, lang, indicators, results };
}

function readCriteria(j: Json): AuditReport['criteria'] {
  const sha256 = string(j, 'sha256', 'criteria');
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Malformed('criteria.sha256', 'expected 64 hex digits');
  return { path: string(j, 'path', 'criteria'), sha256 };
}

function readShard(j: Json): { index: number; total: number } {
  const total = number(j, 'total', 'shard', { min: 1, integer: true });
  const index = number(j, 'index', 'shard', { min: 1, integer: true });
  if (index > total) throw new Malformed('shard', `shard ${index} of ${total} cannot be`);
  return { index, total };
}

function position(j: Json, where: string): Indicator['position'] {
  return { line: number(j, 'line', where, { min: 1, integer: true }), col: number(j, 'col', where, { min: 1, integer: true }) };
}

function readIndicator(j: Json, where: string, results: Map<Evidence, EvidenceResult>): Indicator {
  const pos = position(j, where);
  const requirement = maybeString(j, 'requirement', where);
  const base = {
    id: string(j, 'id', where), title: string(j, 'title', where), weight: number(j, 'weight', where),
    position: pos, span: { startLine: pos.line, endLine: pos.line }, ...(requirement !== undefined ? { requirement } : {}),
  };
  if (Array.isArray(j.evidence)) {
    const evidence = j.evidence.map((item, i) => {
      const at = `${where}.evidence[${i}]`;
      const result = readEvidence(object(item, at), at);
      results.set(result.evidence, result);
      return result.evidence;
    });
    return { ...base, children: [], evidence };
  }
  const children = array(j, 'indicators', where).map((item, i) => readIndicator(object(item, `${where}.indicators[${i}]`), `${where}.indicators[${i}]`, results));
  return { ...base, children };
}

/** The rules a criteria file gave an evidence are not in the report, and no format needs them. */
const NO_RULES: Evidence['checks'] = Object.freeze({ status: Object.freeze([]) });
const CHECK_NAMES: readonly string[] = ['fetch', 'blocked', 'status', 'content', 'render', 'keywords', 'freshness'];

function readEvidence(j: Json, where: string): EvidenceResult {
  const evidence: Evidence = { title: string(j, 'title', where), url: string(j, 'url', where), checks: NO_RULES, position: position(j, where) };
  const checks = array(j, 'checks', where).map((c, i) => readCheck(object(c, `${where}.checks[${i}]`), `${where}.checks[${i}]`));
  const warnings = array(j, 'warnings', where).map((w, i) => reasonOf(object(w, `${where}.warnings[${i}]`), `${where}.warnings[${i}]`));
  const httpStatus = maybeNumber(j, 'http_status', where, { integer: true });
  const lastUpdated = maybeString(j, 'last_updated', where);
  const dateSource = maybeString(j, 'date_source', where);
  const durationMs = number(j, 'duration_ms', where);
  const finalUrl = string(j, 'final_url', where);
  const listFrom = j.list_from === undefined ? undefined : strings(j, 'list_from', where);
  const archived = j.archive === undefined ? undefined : readRecords(object(j.archive, `${where}.archive`), `${where}.archive`);
  const base = { url: evidence.url, finalUrl, redirects: [], attempts: number(j, 'attempts', where, { integer: true }), durationMs };
  const errorCode = maybeString(j, 'error_code', where);
  const fetch: EvidenceResult['fetch'] = errorCode !== undefined
    ? { ...base, ok: false, error: fetchError(errorCode, checks, where) }
    : { ...base, ok: true, status: httpStatus ?? 0, truncated: false, ...(boolean(j, 'from_cache', where) ? { fromCache: true } : {}) };
  return {
    evidence, verdict: verdict(j, 'status', where), finalUrl, redirects: strings(j, 'redirects', where), checks, durationMs, fetch,
    ...(httpStatus !== undefined ? { httpStatus } : {}),
    ...(lastUpdated !== undefined ? { lastUpdated } : {}),
    ...(dateSource !== undefined ? { dateSource } : {}),
    ...(boolean(j, 'rendered', where) ? { rendered: true } : {}),
    ...(listFrom ? { listFrom } : {}),
    ...(archived ? { archived } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

function readCheck(j: Json, where: string): CheckResult {
  const name = string(j, 'name', where);
  if (!CHECK_NAMES.includes(name)) throw new Malformed(`${where}.name`, `"${name}" is not a check`);
  return { name: name as CheckName, status: verdict(j, 'status', where), reason: reasonOf(j, where) };
}

/** The fetch error is the failed fetch check's reason; only its code is shown apart from it. */
function fetchError(code: string, checks: CheckResult[], where: string): FetchError {
  const check = checks.find((c) => c.reason.code === code);
  if (!check) throw new Malformed(`${where}.error_code`, `${code} is not the reason of any of its checks`);
  return check.reason as FetchError;
}

function readRecords(j: Json, where: string): ArchiveRecordRef[] {
  const warcFile = decodeSafely(basename(string(j, 'warc', where)));
  return array(j, 'records', where).map((item, i) => {
    const at = `${where}.records[${i}]`;
    const r = object(item, at);
    const type = string(r, 'type', at);
    if (type !== 'response' && type !== 'resource') throw new Malformed(`${at}.type`, 'expected response or resource');
    const offset = maybeNumber(r, 'offset', at, { integer: true });
    return {
      warcFile, recordId: string(r, 'record_id', at), type, targetUri: string(r, 'target_uri', at),
      sha256: string(r, 'sha256', at), fetchedAt: string(r, 'fetched_at', at), ...(offset !== undefined ? { offset } : {}),
    };
  });
}

/** The report names its WARC relative to itself (see archiveHref), or by a file: URL. */
function readArchive(j: Json, reportPath: string | undefined): NonNullable<AuditReport['archive']> {
  const warc = string(j, 'warc', 'archive');
  const warcPath = warc.startsWith('file:')
    ? fileURLToPath(warc)
    : resolve(reportPath ? dirname(reportPath) : '.', warc.split('/').map(decodeSafely).join(sep));
  return { warcPath, indexPath: string(j, 'index', 'archive') };
}

function decodeSafely(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}


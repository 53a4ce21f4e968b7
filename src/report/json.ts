import type { AuditReport, Changes } from '../model/report.js';
import type { EvidenceResult } from '../model/results.js';
import { TOOL } from '../criteria/settings.js';
import { explain, type Lang } from '../i18n/index.js';
import type { IndicatorResult } from '../model/report.js';
import type { Formatter } from './formatter.js';
import { cleanStrings } from './safe.js';
import { cleanMultiline } from './sanitize.js';
import { archiveLink, problemText } from './words.js';

/**
 * The report as JSON, `version: 1`, described by schema/report.schema.json. Field names and codes
 * are a contract: add, never rename. Messages are in the report's language; codes stay English.
 * JSON.stringify escapes control characters, but `jq -r` prints them back raw: every string is
 * stripped of terminal escapes and controls (line breaks and tabs stay).
 */
export const jsonFormatter: Formatter = {
  name: 'json',
  format(report, options) {
    return [...jsonPieces(report, options.lang, options.reportPath)].join('');
  },
  pieces(report, options) {
    return jsonPieces(report, options.lang, options.reportPath);
  },
};

/**
 * The same text as one JSON.stringify(toJson(…), null, 2), made one indicator at a time: a
 * national table's 20,000 indicators would otherwise be held three times over (the tree, its
 * cleaned copy, the string) just to be written out.
 */
function* jsonPieces(report: AuditReport, lang: Lang, reportPath?: string): Generator<string> {
  const archive = archiveLink(report, reportPath);
  const clean = <T>(value: T) => cleanStrings(value, cleanMultiline);
  // "indicators" is the last key, so the head is everything before its empty list.
  const head = JSON.stringify(clean({ ...jsonHead(report, lang, archive), indicators: [] }), null, 2);
  if (report.indicators.length === 0) {
    yield head + '\n';
    return;
  }
  yield head.slice(0, -']\n}'.length) + '\n';
  for (const [i, result] of report.indicators.entries()) {
    const item = JSON.stringify(clean(indicatorJson(result, lang, archive)), null, 2);
    yield (i > 0 ? ',\n' : '') + ITEM_INDENT + item.replaceAll('\n', '\n' + ITEM_INDENT);
  }
  yield '\n  ]\n}\n';
}

/** Where the items of the top-level "indicators" list sit in the whole document's layout. */
const ITEM_INDENT = '    ';

export function toJson(report: AuditReport, lang: Lang, reportPath?: string) {
  const archive = archiveLink(report, reportPath);
  return { ...jsonHead(report, lang, archive), indicators: report.indicators.map((r) => indicatorJson(r, lang, archive)) };
}

function jsonHead(report: AuditReport, lang: Lang, archive: string | undefined) {
  return {
    version: 1,
    tool: { name: TOOL.name, version: TOOL.version },
    title: report.title,
    lang,
    now: report.now.toISOString(),
    started_at: report.startedAt.toISOString(),
    finished_at: report.finishedAt.toISOString(),
    complete: report.complete,
    criteria: report.criteria,
    score: report.totals.score,
    max_score: report.totals.maxScore,
    summary: { indicators: report.totals.indicators, evidence: report.totals.evidence },
    ...(report.selection ? { selection: { ...report.selection, ...selectedJson(report) } } : {}),
    ...(report.shard ? { shard: { index: report.shard.index, total: report.shard.total } } : {}),
    ...(report.changes ? { changes: changesJson(report.changes) } : {}),
    ...(report.archive ? { archive: { warc: archive, index: report.archive.indexPath } } : {}),
  };
}

/** The selection as data and the whole table's maximum, so `audit merge` can word it in any language and scale --fail-under. */
function selectedJson(report: AuditReport) {
  return report.selected ? { basis: report.selected.basis, table_max_score: report.selected.tableMaxScore } : {};
}

function changesJson(changes: Changes) {
  return {
    baseline: { path: changes.baseline.path, finished_at: changes.baseline.finishedAt, score: changes.baseline.score },
    score_delta: changes.scoreDelta,
    newly_failing: changes.newlyFailing,
    fixed: changes.fixed,
    // Added later, after the indicator lists, so that readers of those see what they always saw.
    newly_failing_evidence: (changes.newlyFailingEvidence ?? []).map((c) => ({
      indicator_id: c.indicatorId, title: c.title, url: c.url, reason: c.reason, previous: c.previous,
    })),
    fixed_evidence: (changes.fixedEvidence ?? []).map((c) => ({ indicator_id: c.indicatorId, title: c.title, url: c.url })),
  };
}

export type ReportJson = ReturnType<typeof toJson>;

export interface IndicatorJson {
  id: string;
  title: string;
  weight: number;
  score: number;
  max_score: number;
  status: string;
  passed: number;
  total: number;
  line: number;
  col?: number;
  requirement?: string;
  reason?: string;
  reason_code?: string;
  indicators?: IndicatorJson[];
  evidence?: EvidenceJson[];
}

function indicatorJson(result: IndicatorResult, lang: Lang, archive: string | undefined): IndicatorJson {
  const { indicator } = result;
  const out: IndicatorJson = {
    id: indicator.id,
    title: indicator.title,
    weight: indicator.weight,
    score: result.score,
    max_score: result.maxScore,
    status: result.verdict,
    passed: result.passed,
    total: result.total,
    line: indicator.position.line,
    col: indicator.position.col,
  };
  if (indicator.requirement !== undefined) out.requirement = indicator.requirement;
  if (result.problem) {
    out.reason = problemText(result.problem, lang);
    out.reason_code = result.problem.reason.code;
  }
  if (result.evidence) out.evidence = result.evidence.map((e) => evidenceJson(e, lang, archive));
  else out.indicators = result.children.map((c) => indicatorJson(c, lang, archive));
  return out;
}

export type EvidenceJson = ReturnType<typeof evidenceJson>;

function evidenceJson(result: EvidenceResult, lang: Lang, archive: string | undefined) {
  const error = result.fetch.ok ? undefined : result.fetch.error;
  return {
    title: result.evidence.title,
    url: result.evidence.url,
    line: result.evidence.position.line,
    col: result.evidence.position.col,
    final_url: result.finalUrl,
    redirects: result.redirects,
    status: result.verdict,
    http_status: result.httpStatus ?? null,
    error_code: error?.code ?? null,
    last_updated: result.lastUpdated ?? null,
    date_source: result.dateSource ?? null,
    checks: result.checks.map((c) => ({
      name: c.name, ok: c.status === 'pass', status: c.status, code: c.reason.code, message: explain(c.reason, lang),
      // What the message is made from: `audit merge` words it again, in either language.
      params: c.reason.params,
    })),
    duration_ms: result.durationMs,
    attempts: result.fetch.attempts,
    from_cache: result.fetch.ok ? Boolean(result.fetch.fromCache) : false,
    rendered: Boolean(result.rendered),
    ...(result.listFrom ? { list_from: result.listFrom } : {}),
    warnings: (result.warnings ?? []).map((w) => ({ code: w.code, message: explain(w, lang), params: w.params })),
    ...(archive && result.archived ? {
      archive: {
        warc: archive,
        records: result.archived.map((r) => ({ record_id: r.recordId, type: r.type, target_uri: r.targetUri, sha256: r.sha256, offset: r.offset ?? null, fetched_at: r.fetchedAt })),
      },
    } : {}),
  };
}

import type { AuditReport } from '../audit.js';
import type { EvidenceResult } from '../check/types.js';
import type { IndicatorResult } from '../score/score.js';
import type { Formatter } from './formatter.js';

/** The report as JSON, `version: 1`. Field names are a contract: add, never rename. */
export const jsonFormatter: Formatter = {
  name: 'json',
  format(report) {
    return JSON.stringify(toJson(report), null, 2) + '\n';
  },
};

export function toJson(report: AuditReport) {
  return {
    version: 1,
    title: report.title,
    now: report.now.toISOString(),
    complete: report.complete,
    score: report.totals.score,
    max_score: report.totals.maxScore,
    summary: { indicators: report.totals.indicators, evidence: report.totals.evidence },
    indicators: report.indicators.map(indicatorJson),
  };
}

interface IndicatorJson {
  id: string;
  title: string;
  weight: number;
  score: number;
  max_score: number;
  status: string;
  passed: number;
  total: number;
  reason?: string;
  indicators?: IndicatorJson[];
  evidence?: ReturnType<typeof evidenceJson>[];
}

function indicatorJson(result: IndicatorResult): IndicatorJson {
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
  };
  if (result.reason) out.reason = result.reason;
  if (result.evidence) out.evidence = result.evidence.map(evidenceJson);
  else out.indicators = result.children.map(indicatorJson);
  return out;
}

function evidenceJson(result: EvidenceResult) {
  const error = result.fetch.ok ? undefined : result.fetch.error;
  return {
    title: result.evidence.title,
    url: result.evidence.url,
    final_url: result.finalUrl,
    redirects: result.redirects,
    status: result.verdict,
    http_status: result.httpStatus ?? null,
    error_code: error?.code ?? null,
    last_updated: result.lastUpdated ?? null,
    date_source: result.dateSource ?? null,
    checks: result.checks.map((c) => ({ name: c.name, ok: c.status === 'pass', status: c.status, message: c.message })),
    duration_ms: result.durationMs,
    attempts: result.fetch.attempts,
  };
}

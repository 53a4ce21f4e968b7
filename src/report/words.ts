import type { AuditReport } from '../model/report.js';
import { archiveHref } from '../archive/index.js';
import type { CheckResult, EvidenceResult } from '../model/results.js';
import { explain, type Catalogue, type Lang } from '../i18n/index.js';
import type { Problem } from '../model/report.js';
import { sanitize } from './sanitize.js';

/** Helpers every human-readable format shares, so they word things alike. */

export function problemText(problem: Problem | undefined, lang: Lang): string {
  if (!problem) return '';
  const why = explain(problem.reason, lang);
  return sanitize(problem.evidence ? `${problem.evidence}: ${why}` : why);
}

export function checkText(check: CheckResult, lang: Lang): string {
  return sanitize(explain(check.reason, lang));
}

/**
 * The date found and where, and what the checks read when it was more than the fetched HTML (a
 * rendered page, a list fetched from /site/label/): every human format says it alike. Not sanitized.
 */
export function dateAndBasis(result: EvidenceResult, t: Catalogue): string {
  const date = result.lastUpdated ? `${result.lastUpdated} (${t.ui.dateSource(result.dateSource ?? '')})` : '';
  const basis = [...(result.rendered ? [t.ui.judgedOn.rendered] : []), ...(result.listFrom ? [t.ui.judgedOn.listFrom] : [])];
  return [date, ...basis].filter(Boolean).join(' · ');
}

/** The check an evidence is judged by: the first that did not pass. */
export function firstFailedCheck(result: EvidenceResult): CheckResult | undefined {
  return result.checks.find((c) => c.status !== 'pass');
}

export function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

/** A link from the report to the archived WARC: relative to the report file when there is one. */
export function archiveLink(report: AuditReport, reportPath: string | undefined): string | undefined {
  if (!report.archive) return undefined;
  return reportPath ? archiveHref(reportPath, report.archive.warcPath) : report.archive.warcPath;
}

/** A score difference with its sign: +2.50, -3, 0. */
export function signed(delta: number): string {
  const rounded = Math.round(delta * 100) / 100;
  if (rounded === 0) return '0';
  return rounded > 0 ? `+${formatNumber(rounded)}` : formatNumber(rounded);
}

/** What the server answered: its HTTP status, or why there was no answer (the stable error code). */
export function statusText(result: EvidenceResult): string {
  if (result.httpStatus) return `HTTP ${result.httpStatus}`;
  return result.fetch.ok ? '' : result.fetch.error.code;
}

const MARKUP_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML and XML, in content and in quoted attributes alike. */
export function escapeMarkup(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => MARKUP_ENTITIES[ch]!);
}

import type { CheckResult, EvidenceResult } from '../check/types.js';
import { explain, type Lang } from '../i18n/index.js';
import type { Problem } from '../score/score.js';
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

/** The check an evidence is judged by: the first that did not pass. */
export function firstFailedCheck(result: EvidenceResult): CheckResult | undefined {
  return result.checks.find((c) => c.status !== 'pass');
}

export function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

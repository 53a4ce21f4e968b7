import type { Evidence, Indicator } from '../model/criteria.js';
import { combineVerdicts, type EvidenceResult, type Verdict } from '../model/results.js';
import { reason } from '../model/reasons.js';
import { type IndicatorResult, type Problem, type Totals } from '../model/report.js';

/** Where the results wait for scoring: a Map, or a spool that reads them back from disk. */
export interface Results {
  get(evidence: Evidence): EvidenceResult | undefined;
  /** Results read back on demand: a leaf then reads its evidence when asked, and holds none. */
  readonly onDisk?: boolean;
}

/** A leaf earns weight × passed/total; a parent earns the sum of its children. */
export function scoreIndicator(indicator: Indicator, results: Results): IndicatorResult {
  if (indicator.evidence) return scoreLeaf(indicator, evidenceOf(indicator.evidence, results), results.onDisk ? results : undefined);
  const children = indicator.children.map((child) => scoreIndicator(child, results));
  const result: IndicatorResult = {
    indicator,
    score: roundScore(children.reduce((sum, c) => sum + c.score, 0)),
    maxScore: roundScore(children.reduce((sum, c) => sum + c.maxScore, 0)),
    verdict: combineVerdicts(children.map((c) => c.verdict)),
    passed: children.reduce((sum, c) => sum + c.passed, 0),
    total: children.reduce((sum, c) => sum + c.total, 0),
    children,
  };
  const problem = children.find((c) => c.verdict === result.verdict && c.problem)?.problem;
  return problem ? { ...result, problem } : result;
}

/**
 * Built as one literal, never spread from a spread: V8 gave each such object a hidden class of its
 * own, a few hundred bytes for every leaf of a 20,000-indicator table.
 */
function scoreLeaf(indicator: Indicator, evidence: EvidenceResult[], onDisk: Results | undefined): IndicatorResult {
  const total = evidence.length;
  const passed = evidence.filter((e) => e.verdict === 'pass').length;
  const verdict = total === 0 ? 'fail' : combineVerdicts(evidence.map((e) => e.verdict));
  const score = total === 0 ? 0 : roundScore((indicator.weight * passed) / total);
  const result: IndicatorResult = { indicator, score, maxScore: indicator.weight, verdict, passed, total, children: [], evidence };
  const problem = total === 0 ? { reason: reason('NO_EVIDENCE', {}) } : firstProblem(evidence, verdict);
  if (problem) result.problem = problem;
  if (onDisk) readWhenAsked(result, indicator.evidence!, onDisk);
  return result;
}

/**
 * The leaf's evidence, read from disk each time it is asked for and let go after: a report
 * written one indicator at a time then holds one leaf's results, not the run's.
 */
function readWhenAsked(result: IndicatorResult, evidence: Evidence[], results: Results): void {
  Object.defineProperty(result, 'evidence', { get: () => evidenceOf(evidence, results), enumerable: true, configurable: true });
}

function evidenceOf(evidence: Evidence[], results: Results): EvidenceResult[] {
  return evidence.map((e) => results.get(e)!);
}

function firstProblem(evidence: EvidenceResult[], verdict: Verdict): Problem | undefined {
  const culprit = evidence.find((e) => e.verdict === verdict && verdict !== 'pass');
  const check = culprit?.checks.find((c) => c.status === verdict);
  return culprit && check ? { evidence: culprit.evidence.title, reason: check.reason } : undefined;
}

/** Scores are shown to two decimals; rounding here keeps sums and JSON free of float noise. */
export function roundScore(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Counts leaves, the indicators a table lists as pass/fail/unverified, and every evidence. */
export function totals(results: IndicatorResult[]): Totals {
  const t: Totals = {
    score: roundScore(results.reduce((sum, r) => sum + r.score, 0)),
    maxScore: roundScore(results.reduce((sum, r) => sum + r.maxScore, 0)),
    indicators: { pass: 0, fail: 0, unverified: 0 },
    evidence: { pass: 0, fail: 0, unverified: 0 },
  };
  const visit = (r: IndicatorResult) => {
    if (r.evidence) {
      t.indicators[r.verdict]++;
      for (const e of r.evidence) t.evidence[e.verdict]++;
    }
    r.children.forEach(visit);
  };
  results.forEach(visit);
  return t;
}

/** What a tree of indicators is out of, as scoring counts it: leaf weights, summed up the tree. */
export function maxScoreOf(indicators: Indicator[]): number {
  return roundScore(indicators.reduce((sum, i) => sum + (i.evidence ? i.weight : maxScoreOf(i.children)), 0));
}

/** The leaves below these results, in tree order: the indicators that carry evidence. */
export function leafResults(results: IndicatorResult[]): IndicatorResult[] {
  return results.flatMap((r) => (r.evidence ? [r] : leafResults(r.children)));
}

import { readFile } from 'node:fs/promises';
import type { AuditReport, Changes } from '../audit.js';
import type { Verdict } from '../check/types.js';
import type { Lang } from '../i18n/index.js';
import type { IndicatorJson } from '../report/json.js';
import { problemText } from '../report/words.js';
import type { IndicatorResult } from '../score/score.js';

/** The parts of an earlier JSON report (version 1) that a comparison needs. */
export interface Baseline {
  path: string;
  finishedAt: string;
  score: number;
  complete: boolean;
  /** Leaf indicators by id. */
  leaves: Map<string, Verdict>;
}

export class BaselineError extends Error {
  readonly code = 'E_BASELINE';
}

export async function readBaseline(path: string): Promise<Baseline> {
  let json: { version?: unknown; score?: unknown; finished_at?: unknown; complete?: unknown; indicators?: unknown };
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new BaselineError(`--baseline ${path}: cannot read it (${why}); pass a report written earlier with --format json or --output report.json`);
  }
  if (json.version !== 1 || typeof json.score !== 'number' || !Array.isArray(json.indicators)) {
    throw new BaselineError(`--baseline ${path}: not a version 1 JSON report from this tool`);
  }
  const leaves = new Map<string, Verdict>();
  const visit = (node: IndicatorJson) => {
    if (node.evidence) leaves.set(node.id, node.status as Verdict);
    node.indicators?.forEach(visit);
  };
  (json.indicators as IndicatorJson[]).forEach(visit);
  return { path, finishedAt: String(json.finished_at ?? ''), score: json.score, complete: json.complete !== false, leaves };
}

/**
 * Newly failing: a leaf that fails now and did not before (passed, was unverified, or is new).
 * `previous` tells a regression (it passed) from a change that merely became visible.
 */
export function compareWithBaseline(report: AuditReport, baseline: Baseline, lang: Lang): Changes {
  const changes: Changes = {
    baseline: { path: baseline.path, finishedAt: baseline.finishedAt, score: baseline.score },
    scoreDelta: Math.round((report.totals.score - baseline.score) * 100) / 100,
    newlyFailing: [],
    fixed: [],
  };
  const visit = (result: IndicatorResult) => {
    result.children.forEach(visit);
    if (!result.evidence) return;
    const { id, title } = result.indicator;
    const before = baseline.leaves.get(id);
    if (result.verdict === 'fail' && before !== 'fail') {
      changes.newlyFailing.push({ id, title, reason: problemText(result.problem, lang), previous: before ?? 'new' });
    } else if (result.verdict === 'pass' && before === 'fail') {
      changes.fixed.push({ id, title });
    }
  };
  report.indicators.forEach(visit);
  return changes;
}

/** --fail-on regression: something that passed in the baseline fails now. */
export function hasRegression(changes: Changes): boolean {
  return changes.newlyFailing.some((item) => item.previous === 'pass');
}

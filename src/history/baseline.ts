import { readFile } from 'node:fs/promises';
import type { AuditReport, Changes } from '../audit.js';
import type { Verdict } from '../check/types.js';
import type { Lang } from '../i18n/index.js';
import type { IndicatorJson } from '../report/json.js';
import { sanitize } from '../report/sanitize.js';
import { problemText } from '../report/words.js';
import { leafResults, roundScore } from '../score/score.js';

interface BaselineLeaf {
  title: string;
  status: Verdict;
  score: number;
}

/** The parts of an earlier JSON report (version 1) that a comparison needs. */
export interface Baseline {
  path: string;
  finishedAt: string;
  title: string;
  score: number;
  complete: boolean;
  /** Leaf indicators by id. */
  leaves: Map<string, BaselineLeaf>;
}

export class BaselineError extends Error {
  readonly code = 'E_BASELINE';
}

export async function readBaseline(path: string): Promise<Baseline> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    // JSON.parse quotes the text it choked on: a file from elsewhere must not send escapes to the terminal.
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : sanitize((error as Error).message);
    throw new BaselineError(`--baseline ${path}: cannot read it (${why}); pass a report written earlier with --format json or --output report.json`);
  }
  const report = json as { version?: unknown; score?: unknown; title?: unknown; finished_at?: unknown; complete?: unknown; indicators?: unknown };
  const leaves = new Map<string, BaselineLeaf>();
  if (!report || report.version !== 1 || typeof report.score !== 'number' || !Array.isArray(report.indicators) || !collectLeaves(report.indicators, leaves)) {
    throw new BaselineError(`--baseline ${path}: not a version 1 JSON report from this tool`);
  }
  if (leaves.size === 0) throw new BaselineError(`--baseline ${path}: the report judged no indicators, so there is nothing to compare with`);
  return {
    path, leaves, score: report.score,
    title: String(report.title ?? ''),
    finishedAt: String(report.finished_at ?? ''),
    complete: report.complete !== false,
  };
}

/** False when the JSON is not shaped like our indicators, so a damaged file is a usage error, not a crash. */
function collectLeaves(nodes: unknown[], into: Map<string, BaselineLeaf>): boolean {
  return nodes.every((node) => {
    const n = node as Partial<IndicatorJson> | null;
    if (!n || typeof n.id !== 'string' || typeof n.status !== 'string') return false;
    if (Array.isArray(n.evidence)) {
      into.set(n.id, { title: String(n.title ?? ''), status: n.status as Verdict, score: Number(n.score) || 0 });
      return true;
    }
    return Array.isArray(n.indicators) && collectLeaves(n.indicators, into);
  });
}

/**
 * A baseline from another table would make every indicator look new, and a nightly job stay
 * green while things break; refuse it. An interrupted baseline is usable but said to be partial.
 */
export function checkBaselineFits(baseline: Baseline, title: string): string | undefined {
  if (baseline.title && baseline.title !== title) {
    return `--baseline ${baseline.path}: it is a report on "${sanitize(baseline.title)}", not on "${sanitize(title)}"; pass a report from the same criteria`;
  }
  return undefined;
}

/**
 * Leaves are matched on id and title: ids are often derived from position, so an inserted
 * indicator shifts them, and a shifted id must not pass for the same indicator.
 * Newly failing: a leaf that fails now and did not before. `previous` tells a regression (it
 * passed) from one that merely became visible (unverified before) or is new.
 * The score change compares the same leaves on both sides, so --only and --changed runs agree.
 */
export function compareWithBaseline(report: AuditReport, baseline: Baseline, lang: Lang): Changes {
  const changes: Changes = {
    baseline: { path: baseline.path, finishedAt: baseline.finishedAt, score: baseline.score },
    scoreDelta: 0,
    newlyFailing: [],
    fixed: [],
  };
  let before = 0;
  let now = 0;
  for (const result of leafResults(report.indicators)) {
    const { id, title } = result.indicator;
    const old = baseline.leaves.get(id);
    const same = old && old.title === title ? old : undefined;
    before += same?.score ?? 0;
    now += result.score;
    if (result.verdict === 'fail' && same?.status !== 'fail') {
      const previous = same?.status === 'pass' || same?.status === 'unverified' ? same.status : 'new';
      changes.newlyFailing.push({ id, title, reason: problemText(result.problem, lang), previous });
    } else if (result.verdict === 'pass' && same?.status === 'fail') {
      changes.fixed.push({ id, title });
    }
  }
  changes.scoreDelta = roundScore(now - before);
  return changes;
}

/** --fail-on regression: something that passed in the baseline fails now. */
export function hasRegression(changes: Changes): boolean {
  return changes.newlyFailing.some((item) => item.previous === 'pass');
}

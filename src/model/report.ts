import type { Indicator } from './criteria.js';
import type { EvidenceResult, Verdict } from './results.js';
import type { Reason } from './reasons.js';

/** What a run found, as the reports, the history and `audit merge` read it. */
export interface AuditReport {
  title: string;
  criteria: { path: string; sha256: string };
  now: Date;
  startedAt: Date;
  finishedAt: Date;
  /** False when the run was interrupted; unfinished links are unverified. */
  complete: boolean;
  indicators: IndicatorResult[];
  totals: Totals;
  /** Set when only part of the criteria was audited (--only, --changed). */
  selection?: { reason: string; skipped: { id: string; title: string }[] };
  /** Set when compared with an earlier report (--baseline). */
  changes?: Changes;
  /** Set with --archive: where the WARC and its index were written. */
  archive?: { warcPath: string; indexPath: string };
  /** --shard I/N: this report judged only the evidence whose host hashes to shard I of N. */
  shard?: Shard;
  /** --only/--changed: why these indicators, as data, and what the whole table is out of (for --fail-under). */
  selected?: { basis: SelectionReason; tableMaxScore: number };
}

/** What changed since an earlier report: the history a nightly job watches. */
export interface Changes {
  baseline: { path: string; finishedAt: string; score: number };
  scoreDelta: number;
  newlyFailing: { id: string; title: string; reason: string; previous: 'pass' | 'unverified' | 'new' }[];
  fixed: { id: string; title: string }[];
  /**
   * The same, link by link, also inside indicators that were already failing (see
   * compareWithBaseline for how links are matched). Optional: Changes made elsewhere (read back
   * from an older report) may not have them.
   */
  newlyFailingEvidence?: EvidenceChange[];
  fixedEvidence?: Omit<EvidenceChange, 'reason' | 'previous'>[];
}

/** One cited link whose verdict changed; `indicatorId` is the leaf citing it now. */
export interface EvidenceChange {
  indicatorId: string;
  title: string;
  url: string;
  reason: string;
  previous: 'pass' | 'unverified' | 'new';
}

/** The first thing wrong below a node: which evidence, and why. */
export interface Problem {
  evidence?: string;
  reason: Reason;
}

export interface IndicatorResult {
  indicator: Indicator;
  score: number;
  /** What the score is out of: a leaf's weight, or the sum of the children's (validation warns when that differs from the weight). */
  maxScore: number;
  verdict: Verdict;
  passed: number;
  total: number;
  /** The first problem below this node, for the table's last column. */
  problem?: Problem;
  children: IndicatorResult[];
  evidence?: EvidenceResult[];
}

export interface Totals {
  score: number;
  maxScore: number;
  indicators: Record<Verdict, number>;
  evidence: Record<Verdict, number>;
}

/** Which part of the evidence a run audits: shard `index` of `total`, numbered from 1. */
export interface Shard {
  index: number;
  total: number;
}

export type SelectionReason =
  | { kind: 'only'; ids: string[] }
  | { kind: 'new-file'; ref: string; total: number }
  | { kind: 'outside'; ref: string; lines: number[]; total: number }
  | { kind: 'changed'; ref: string; selected: number; total: number }
  | { kind: 'none'; ref: string; total: number };

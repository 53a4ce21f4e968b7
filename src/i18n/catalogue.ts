import type { Verdict } from '../model/results.js';
import type { SelectionReason } from '../model/report.js';
import type { ReasonCatalogue } from './reasons.js';

export type Lang = 'zh' | 'en';

type Counts = Record<Verdict, number>;

export type HelpKey =
  | 'program' | 'criteriaArg' | 'validate' | 'demo' | 'exitCodes' | 'strict'
  | 'format' | 'output' | 'verbose' | 'now' | 'failUnder' | 'failOn' | 'baseline' | 'cache' | 'notify' | 'notifyOn'
  | 'quiet' | 'lang' | 'changed' | 'only' | 'concurrency' | 'perHostConcurrency' | 'perHostRate' | 'timeout'
  | 'retries' | 'userAgent' | 'debug' | 'version' | 'help' | 'render' | 'archive'
  | 'proxy' | 'insecure' | 'ca' | 'certExpiryDays' | 'maxTime' | 'blockPrivate' | 'resume'
  | 'import' | 'importSource' | 'importOutput' | 'importTitle' | 'importMaxAge' | 'importForce'
  | 'shard' | 'shardTotal' | 'merge' | 'mergeReports';

export type Label =
  | 'report' | 'score' | 'sections' | 'indicators' | 'evidence' | 'url' | 'finalUrl' | 'httpStatus' | 'lastUpdated'
  | 'reason' | 'verdict' | 'weight' | 'id' | 'indicator' | 'generated' | 'criteria' | 'now' | 'onlyFailures'
  | 'changes' | 'newlyFailing' | 'fixed' | 'newlyFailingEvidence' | 'fixedEvidence' | 'scoreChange' | 'baseline' | 'skipped' | 'incomplete' | 'noProblems' | 'requirement'
  | 'dateSource' | 'reasonCode' | 'line' | 'detailsOmitted' | 'archived';

/** A host still being worked on, as the progress display names it. */
export interface HostLeft {
  host: string;
  left: number;
}

/** What the progress bar and the per-host log lines say. */
export interface ProgressText {
  /** Bar segment: failures so far. */
  failed(n: number): string;
  /** Bar segment: the host with the most URLs still to do. */
  slowest(host: string, left: number): string;
  /** Bar segment: estimated time left, or an unknown one before the first result. */
  eta(ms: number | undefined): string;
  /** Log line (after the timestamp): the last URL of a host finished. */
  hostDone(p: { host: string; urls: number; failed: number; ms: number }): string;
  /** Log line (after the timestamp): stopped before every host finished. */
  interrupted(p: { shown: HostLeft[]; moreHosts: number; hosts: number; urls: number }): string;
}

/** What a webhook notification says. */
export interface NotifyText {
  passed: string;
  failed: string;
  regressed: string;
  interrupted: string;
  heading(title: string, status: string): string;
  score(score: string, maxScore: string): string;
  delta(signed: string): string;
  unchanged: string;
  counts(pass: number, fail: number, unverified: number): string;
  newlyFailing(count: number): string;
  problems: string;
  fixed(count: number): string;
  item(id: string, title: string, reason?: string): string;
  more(count: number): string;
  report(path: string): string;
}

/** Everything the tool says in words, one object per language. */
export interface Catalogue {
  reasons: ReasonCatalogue;
  ui: {
    verdict: Record<Verdict, string>;
    headers: [string, string, string, string, string, string, string];
    score: (score: string, max: string) => string;
    indicatorCounts: (c: Counts) => string;
    evidenceCounts: (c: Counts) => string;
    interrupted: string;
    dateSource: (source: string) => string;
    /** What the checks read, when it was not the fetched HTML alone. */
    judgedOn: { rendered: string; listFrom: string };
    demoSite: (origin: string) => string;
    validated: (p: { path: string; sections: number; evidence: number; urls: number; warnings: number }) => string;
    validateFailed: (p: { path: string; errors: number }) => string;
    /** Labels for report sections and columns, shared by the markdown, HTML, JUnit and CSV formats. */
    labels: Record<Label, string>;
    scoreDelta: (delta: string) => string;
    skippedBecause: (reason: string) => string;
    selection: (reason: SelectionReason) => string;
    nothingToAudit: string;
    interruptedBySignal: (signal: string) => string;
    stoppedAtMaxTime: (minutes: number) => string;
    /** Where results are spooled, said at the start; how to continue, said when a run stops early. */
    spool: { at: (path: string, judged: number) => string; resume: (path: string) => string };
  };
  /** --help: the program, each command and each option, and the exit codes. */
  help: Record<HelpKey, string>;
  progress: ProgressText;
  notify: NotifyText;
}

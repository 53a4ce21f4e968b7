import type { Verdict } from '../check/types.js';
import type { ReasonCatalogue } from './reasons.js';

export type Lang = 'zh' | 'en';

type Counts = Record<Verdict, number>;

export type HelpKey =
  | 'program' | 'criteriaArg' | 'validate' | 'demo' | 'exitCodes' | 'strict'
  | 'format' | 'output' | 'verbose' | 'now' | 'failUnder' | 'failOn' | 'baseline' | 'cache' | 'notify' | 'notifyOn'
  | 'quiet' | 'lang' | 'changed' | 'only' | 'concurrency' | 'perHostConcurrency' | 'perHostRate' | 'timeout'
  | 'retries' | 'userAgent' | 'debug' | 'version' | 'help';

export type Label =
  | 'report' | 'score' | 'sections' | 'indicators' | 'evidence' | 'url' | 'finalUrl' | 'httpStatus' | 'lastUpdated'
  | 'reason' | 'verdict' | 'weight' | 'id' | 'indicator' | 'generated' | 'criteria' | 'now' | 'onlyFailures'
  | 'changes' | 'newlyFailing' | 'fixed' | 'scoreChange' | 'baseline' | 'skipped' | 'incomplete' | 'noProblems' | 'requirement'
  | 'dateSource' | 'reasonCode' | 'line' | 'detailsOmitted';

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
    demoSite: (origin: string) => string;
    validated: (p: { path: string; sections: number; evidence: number; urls: number; warnings: number }) => string;
    validateFailed: (p: { path: string; errors: number }) => string;
    /** Labels for report sections and columns, shared by the markdown, HTML, JUnit and CSV formats. */
    labels: Record<Label, string>;
    scoreDelta: (delta: string) => string;
    skippedBecause: (reason: string) => string;
  };
  /** --help: the program, each command and each option, and the exit codes. */
  help: Record<HelpKey, string>;
}

/** The criteria file, after validation: what every later stage reads. */

export interface Duration {
  /** Calendar parts are kept apart so that "6mo" and "1y" follow the calendar. */
  years: number;
  months: number;
  days: number;
  ms: number;
  /** As the user wrote it, for messages. */
  text: string;
}

export interface StatusRange {
  min: number;
  max: number;
}

export interface KeywordRule {
  all: string[];
  any: string[];
  none: string[];
}

/** Checks that any node may set and that its descendants inherit. */
export interface CheckOptions {
  status?: StatusRange[];
  maxAge?: Duration;
  keywords?: KeywordRule;
  selector?: string;
}

export interface Settings {
  concurrency: number;
  perHostConcurrency: number;
  perHostRate: number;
  timeoutMs: number;
  retries: number;
  userAgent: string;
  maxBodyBytes: number;
  maxRedirects: number;
  /** Extra phrases that mark a 200 page as "not found"; added to the built-in list. */
  soft404Phrases: string[];
  /** Webhooks to tell when a run fails or regresses (same syntax as --notify). */
  notify: string[];
}

export interface SourcePosition {
  line: number;
  col: number;
}

/** The lines a node occupies in the criteria file, for mapping a diff back to indicators. */
export interface SourceSpan {
  startLine: number;
  endLine: number;
}

export interface Evidence {
  title: string;
  url: string;
  /** The checks in force for this evidence, inheritance already applied. */
  checks: Required<Pick<CheckOptions, 'status'>> & Omit<CheckOptions, 'status'>;
  position: SourcePosition;
}

export interface Indicator {
  id: string;
  title: string;
  weight: number;
  requirement?: string;
  children: Indicator[];
  /** Present on leaves only; an empty list is kept so the leaf can score 0 with a reason. */
  evidence?: Evidence[];
  position: SourcePosition;
  span: SourceSpan;
}

export interface Criteria {
  path: string;
  /** Of the file's bytes as read, so a report names exactly which criteria it judged. */
  sha256: string;
  version: 1;
  title: string;
  settings: Settings;
  indicators: Indicator[];
}

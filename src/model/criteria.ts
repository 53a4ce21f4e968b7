import type { DeepReadonly } from '../util/readonly.js';

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

export type RenderMode = 'auto' | 'always' | 'never';

/** Checks that any node may set and that its descendants inherit. */
export interface CheckOptions {
  status?: StatusRange[];
  maxAge?: Duration;
  keywords?: KeywordRule;
  selector?: string;
  /** Whether to render the page in a browser: when it is script-filled (auto), always, or never. */
  render?: RenderMode;
}

/** Settings for one host, from `hosts:` in the criteria; they override the run's for that host. */
export interface HostSettings {
  headers: Record<string, string>;
  /** Sent as one Cookie header, e.g. a session a site needs before it shows its columns. */
  cookies: Record<string, string>;
  perHostRate?: number;
  perHostConcurrency?: number;
  /** Accept a bad certificate for this host; it is still reported as a warning. */
  insecure?: boolean;
  render?: RenderMode;
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
  /** Body cap for PDF, DOCX and XLSX files, which are often far larger than pages. */
  maxDocumentBytes: number;
  /** Warn on every evidence of a host whose certificate expires within this many days. */
  certExpiryDays: number;
  /** Browser pages rendering at once. */
  renderPages: number;
  /**
   * Refuse loopback, private, link-local, CGNAT and IPv6 ULA targets, checked after DNS and on
   * every redirect hop: for criteria files from pull requests anyone may open.
   */
  blockPrivate: boolean;
  /** Query parameters whose values never appear in any report, log or archive index. */
  redact: string[];
  /** The whole run's time limit; then it stops as on Ctrl-C and reports what it has. */
  maxTimeMs: number;
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
  /**
   * The checks in force for this evidence, inheritance already applied. Read-only: evidence with
   * the same rules share one frozen object of them.
   */
  readonly checks: DeepReadonly<Required<Pick<CheckOptions, 'status'>> & Omit<CheckOptions, 'status'>>;
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
  /** Per-host overrides by host name (lower-case, with :port when not the default). */
  hosts: Record<string, HostSettings>;
  indicators: Indicator[];
}

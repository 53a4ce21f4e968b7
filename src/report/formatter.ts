import type { AuditReport } from '../model/report.js';
import type { Lang } from '../i18n/index.js';

export interface FormatOptions {
  lang: Lang;
  color: boolean;
  verbose: boolean;
  /** Terminal width when known; the table fits long reasons into it. */
  columns?: number;
  /** The criteria file as annotations must name it: relative to the repository (GITHUB_WORKSPACE). */
  sourcePath?: string;
  /** The file this report is written to, so links to the archive can be relative to it. */
  reportPath?: string;
}

/** Every output format is one of these: a pure function from the report to text. */
export interface Formatter {
  name: string;
  format(report: AuditReport, options: FormatOptions): string;
  /**
   * The same text in pieces, for a format whose whole text a large report makes too big to hold
   * at once; a report file is then written piece by piece.
   */
  pieces?(report: AuditReport, options: FormatOptions): Iterable<string>;
}

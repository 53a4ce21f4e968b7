import { resolve } from 'node:path';
import { runAudit, type AuditReport } from '../audit.js';
import { formatDiagnostic, hasErrors, type Diagnostic } from '../criteria/diagnostics.js';
import { loadCriteriaFile, parseCriteria } from '../criteria/load.js';
import type { Criteria } from '../criteria/types.js';
import { createDispatcher } from '../fetch/agent.js';
import { EXIT } from '../exit-codes.js';
import { FORMATTERS } from '../report/index.js';
import { detectLang } from '../i18n/index.js';
import { useColor, UsageError, type Io } from './io.js';
import { applyRunFlags, parseNow, parseScore, type RunFlags } from './options.js';

export interface AuditFlags extends RunFlags {
  format?: string;
  verbose?: boolean;
  failUnder?: string;
}

/** `audit [criteria]`: load and validate, audit, print the report, and choose the exit code. */
export async function auditCommand(path: string, flags: AuditFlags, io: Io): Promise<number> {
  const loaded = await loadCriteriaFile(resolve(io.cwd, path), path);
  return auditLoaded(loaded.criteria, loaded.diagnostics, flags, io);
}

/** `audit demo` and tests enter here with criteria text they made themselves. */
export async function auditText(text: string, file: string, flags: AuditFlags, io: Io): Promise<number> {
  const loaded = parseCriteria(text, file);
  return auditLoaded(loaded.criteria, loaded.diagnostics, flags, io);
}

async function auditLoaded(criteria: Criteria | undefined, diagnostics: Diagnostic[], flags: AuditFlags, io: Io): Promise<number> {
  printDiagnostics(diagnostics, io);
  if (!criteria || hasErrors(diagnostics)) return EXIT.USAGE;

  const formatter = FORMATTERS[flags.format ?? 'table'];
  if (!formatter) throw new UsageError(`--format: unknown format "${flags.format}" (use ${Object.keys(FORMATTERS).join(', ')})`);
  const failUnder = parseScore('--fail-under', flags.failUnder);
  const now = parseNow(flags.now);
  const settings = applyRunFlags(criteria.settings, flags);
  const dispatcher = io.dispatcher ?? createDispatcher(settings);

  let report: AuditReport;
  try {
    report = await runAudit({
      criteria: { ...criteria, settings },
      dispatcher,
      now,
      ...(io.signal ? { signal: io.signal } : {}),
      ...(io.stderr.isTTY ? { onProgress: progressPrinter(io) } : {}),
    });
  } finally {
    if (!io.dispatcher) await dispatcher.close();
  }

  const columns = io.stdout.isTTY ? io.stdout.columns : undefined;
  const lang = detectLang(io.env);
  io.stdout.write(formatter.format(report, { lang, color: useColor(io), verbose: Boolean(flags.verbose), ...(columns ? { columns } : {}) }));
  return exitCodeFor(report, failUnder);
}

/**
 * 0 when every indicator passes, or with --fail-under when the score reaches it; 1 otherwise.
 * Unverified evidence costs points but does not by itself fail the run: a bot wall is not a broken link.
 */
export function exitCodeFor(report: AuditReport, failUnder: number | undefined): number {
  if (!report.complete) return EXIT.INTERRUPTED;
  const passed = failUnder !== undefined ? report.totals.score >= failUnder : report.totals.indicators.fail === 0;
  return passed ? EXIT.OK : EXIT.AUDIT_FAILED;
}

export function printDiagnostics(diagnostics: Diagnostic[], io: Io): void {
  for (const d of diagnostics) io.stderr.write(formatDiagnostic(d) + '\n');
}

function progressPrinter(io: Io): (done: number, total: number) => void {
  return (done, total) => {
    io.stderr.write(`\r\x1b[2Kchecked ${done}/${total} links`);
    if (done === total) io.stderr.write('\r\x1b[2K');
  };
}

import { resolve } from 'node:path';
import { runAudit } from '../audit.js';
import { type AuditReport } from '../model/report.js';
import { formatDiagnostic, hasErrors, type Diagnostic } from '../criteria/diagnostics.js';
import { loadCriteriaFile, parseCriteria } from '../criteria/load.js';
import type { Criteria } from '../model/criteria.js';
import { createDispatcher } from '../fetch/agent.js';
import { EXIT } from '../exit-codes.js';
import { compareWithBaseline, hasRegression } from '../history/baseline.js';
import { catalogue } from '../i18n/index.js';
import { createProgress } from '../progress/index.js';
import { reportedText, safeReport } from '../report/safe.js';
import { deliverReports, notifyIfNeeded } from './deliver.js';
import { UsageError, type Io } from './io.js';
import { NetworkConfigError } from '../network/index.js';
import { prepareRun, type AuditFlags, type ExitPolicy, type RunPlan } from './prepare.js';
import { closeSpool, openSpool, Spool, SpoolError } from '../spool/index.js';
import { maxScoreOf } from '../score/score.js';
import { addOtherShards, ownShare } from '../shard/split.js';

export type { AuditFlags } from './prepare.js';

/** `audit [criteria]`: load and validate, audit, write the reports, and choose the exit code. */
export async function auditCommand(path: string, flags: AuditFlags, io: Io): Promise<number> {
  const file = resolve(io.cwd, path);
  const loaded = await loadCriteriaFile(file, path);
  return auditLoaded(loaded.criteria, loaded.diagnostics, flags, io, file);
}

/** `audit demo` and tests enter here with criteria text they made themselves. */
export async function auditText(text: string, file: string, flags: AuditFlags, io: Io): Promise<number> {
  const loaded = parseCriteria(text, file);
  return auditLoaded(loaded.criteria, loaded.diagnostics, flags, io, undefined);
}

async function auditLoaded(criteria: Criteria | undefined, diagnostics: Diagnostic[], flags: AuditFlags, io: Io, file: string | undefined): Promise<number> {
  // Lints are for `audit validate`; repeating them on every nightly run would only be noise.
  printDiagnostics(diagnostics, io);
  if (!criteria || hasErrors(diagnostics)) return EXIT.USAGE;

  // Everything that can be wrong with the command line is found before the first request.
  const plan = await prepareRun(criteria, flags, io, file);
  // Nothing selected still writes its (empty) reports, so CI finds the files and the reason.
  if (plan.selection && plan.criteria.indicators.length === 0 && !plan.quiet) {
    io.stderr.write(`${catalogue(plan.lang).ui.nothingToAudit}: ${catalogue(plan.lang).ui.selection(plan.selection.reason)}\n`);
  }
  // A shard fetches only its own hosts' evidence; addOtherShards puts the rest back, unverified.
  const audited = plan.shard ? ownShare(plan.criteria, plan.shard) : plan.criteria;
  const spool = openSpoolOrExplain(plan, audited, io);
  let finished = false;
  try {
    const report = await audit(plan, audited, io, spool);
    // For `audit merge`: the selection as data (to word it in any language) and the whole table's maximum.
    if (plan.selection) report.selected = { basis: plan.selection.reason, tableMaxScore: maxScoreOf(criteria.indicators) };
    // One masked, cleaned, read-only view for every report and the notification (see safeReport).
    const safe = safeReport(report, plan.redactor);
    const written = await deliverReports(safe, plan, io);
    const code = exitCodeFor(report, plan.policy);
    await notifyIfNeeded(safe, plan, code === EXIT.OK, written, io);
    finished = report.complete && !written.failed;
    return written.failed ? EXIT.USAGE : code;
  } finally {
    // Kept when anything is left to do (a stop, a report that could not be written): --resume continues it.
    closeSpool(spool, { remove: finished });
    if (!finished) io.stderr.write(`${catalogue(plan.lang).ui.spool.resume(spool.path)}\n`);
  }
}

/** The spool numbers the evidence this run audits: a shard's spool cannot be resumed as another's. */
function openSpoolOrExplain(plan: RunPlan, audited: Criteria, io: Io): Spool {
  let spool: Spool;
  try {
    spool = openSpool({ ...plan.spool, criteria: audited });
  } catch (error) {
    if (error instanceof SpoolError) throw new UsageError(error.message);
    throw new UsageError(`cannot write the results spool ${plan.spool.path}: ${(error as Error).message}; give --output a writable folder`);
  }
  if (!plan.quiet || plan.spool.resume) io.stderr.write(`${catalogue(plan.lang).ui.spool.at(spool.path, spool.judged)}\n`);
  return spool;
}

async function audit(plan: RunPlan, audited: Criteria, io: Io, spool: Spool): Promise<AuditReport> {
  const dispatcher = io.dispatcher ?? createDispatcherOrExplain(plan);
  const { maxTimeMs } = plan.criteria.settings;
  // A timer of our own rather than AbortSignal.timeout, so that it is cleared when the run ends.
  const stopAtDeadline = new AbortController();
  const deadline = stopAtDeadline.signal;
  const timer = setTimeout(() => {
    io.stderr.write(`${catalogue(plan.lang).ui.stoppedAtMaxTime(Math.round(maxTimeMs / 6_000) / 10)}\n`);
    stopAtDeadline.abort();
  }, maxTimeMs);
  timer.unref();
  // Log lines and the archive's index.json mask what the reports mask (deliver.ts does the reports).
  const { redactor } = plan;
  plan.archive?.useRedactor(redactor);
  try {
    const report = await runAudit({
      criteria: audited,
      dispatcher,
      now: plan.now,
      progress: createProgress({ stream: io.stderr, quiet: plan.quiet, lang: plan.lang, redact: redactor.text }),
      // max_time stops the run exactly as Ctrl-C does: what was gathered is reported.
      signal: io.signal ? AbortSignal.any([io.signal, deadline]) : deadline,
      ...(plan.cache ? { cache: plan.cache } : {}),
      ...(plan.browserPath ? { browserPath: plan.browserPath } : {}),
      ...(plan.renderOverride ? { renderOverride: plan.renderOverride } : {}),
      ...(plan.archive ? { archive: plan.archive } : {}),
      network: { insecureHosts: plan.network.insecureHosts, ...(plan.network.proxy ? { proxy: plan.network.proxy } : {}), ...(plan.network.ca ? { ca: plan.network.ca } : {}) },
      env: io.env,
      spool,
    });
    if (plan.shard) addOtherShards(report, plan.criteria, plan.shard);
    if (plan.archive) report.archive = await plan.archive.close();
    if (plan.selection) report.selection = { reason: catalogue(plan.lang).ui.selection(plan.selection.reason), skipped: plan.selection.skipped };
    // The baseline shows URLs masked; this run's are matched in the same form.
    if (plan.baseline) report.changes = compareWithBaseline(report, plan.baseline, plan.lang, reportedText(redactor));
    return report;
  } finally {
    clearTimeout(timer);
    // Closing writes index.json; after a crash it still leaves a WARC readable record by record.
    await plan.archive?.close().catch(() => undefined);
    if (!io.dispatcher) await dispatcher.close();
  }
}

function createDispatcherOrExplain(plan: RunPlan) {
  try {
    return createDispatcher(plan.criteria.settings, plan.network.options);
  } catch (error) {
    if (error instanceof NetworkConfigError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * 0 when the run passes its policy, 1 when it falls short, 130 when it was interrupted.
 * By default every indicator must pass. --fail-under passes on the score instead; with a baseline,
 * --fail-on regression fails only on what passed before and fails now (an indicator, or a link
 * inside one that was already failing); --fail-on unverified also fails on evidence that could
 * not be checked. Unverified evidence is otherwise a warning.
 */
export function exitCodeFor(report: AuditReport, policy: ExitPolicy): number {
  if (!report.complete) return EXIT.INTERRUPTED;
  const { totals } = report;
  const regressionMode = policy.failOnRegression && report.changes !== undefined;
  const checks = [
    regressionMode ? !hasRegression(report.changes!) : true,
    policy.failUnder !== undefined ? totals.score >= policy.failUnder : regressionMode || totals.indicators.fail === 0,
    !policy.failOnUnverified || totals.evidence.unverified === 0,
  ];
  return checks.every(Boolean) ? EXIT.OK : EXIT.AUDIT_FAILED;
}

export function printDiagnostics(diagnostics: Diagnostic[], io: Io): void {
  for (const d of diagnostics) io.stderr.write(formatDiagnostic(d) + '\n');
}

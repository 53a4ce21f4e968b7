import { appendFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import type { AuditReport, Changes } from '../model/report.js';
import { catalogue } from '../i18n/index.js';
import { describeTarget, sendNotifications, shouldNotify, type NotifySummary } from '../notify/index.js';
import { FORMATTERS } from '../report/index.js';
import { writeAtomically } from '../report/outputs.js';
import { sanitize } from '../report/sanitize.js';
import { problemText } from '../report/words.js';
import { leafResults } from '../score/score.js';
import { createDispatcher } from '../fetch/agent.js';
import { hasRegression } from '../history/baseline.js';
import { useColor, type Io } from './io.js';
import type { RunPlan } from './prepare.js';

/** What writing the reports needs of a run's plan: `audit merge` has these, and no run. */
export type DeliveryPlan = Pick<RunPlan, 'outputs' | 'stdoutFormat' | 'lang' | 'verbose'>;
/** What notifying needs of a run's plan. */
export type NotifyPlan = Pick<RunPlan, 'notify' | 'redactor' | 'lang'>;

export interface Delivery {
  /** Files written, in the order asked for. */
  files: string[];
  /** Some report could not be written; the others were, and the error was said. */
  failed: boolean;
}

/**
 * Writes every requested report, each on its own: one unwritable path never costs the others,
 * and standard output is printed last so a pipe gets it even when a file failed.
 *
 * `report` is the safe view (see safeReport): secrets masked, terminal escapes removed. Each
 * format then escapes for its own syntax.
 */
export async function deliverReports(report: AuditReport, plan: DeliveryPlan, io: Io): Promise<Delivery> {
  const delivery: Delivery = { files: [], failed: false };
  const sourcePath = repositoryPath(report.criteria.path, io);
  for (const target of plan.outputs) {
    if (target.path === '-') continue;
    const path = resolve(io.cwd, target.path);
    try {
      const formatter = FORMATTERS[target.format]!;
      const options = { lang: plan.lang, color: false, verbose: plan.verbose, reportPath: path, ...sourcePath };
      await writeAtomically(path, formatter.pieces ? formatter.pieces(report, options) : formatter.format(report, options));
      delivery.files.push(path);
    } catch (error) {
      delivery.failed = true;
      io.stderr.write(`audit: could not write ${target.path}: ${(error as Error).message}\n`);
    }
  }
  for (const format of stdoutFormats(plan)) {
    const columns = io.stdout.isTTY ? io.stdout.columns : undefined;
    io.stdout.write(FORMATTERS[format]!.format(report, { lang: plan.lang, color: useColor(io), verbose: plan.verbose, ...(columns ? { columns } : {}), ...sourcePath }));
  }
  await appendStepSummary(report, plan, io);
  return delivery;
}

/** GitHub places annotations only on paths relative to the repository root, wherever the job ran. */
function repositoryPath(criteriaPath: string, io: Io): { sourcePath?: string } {
  const workspace = io.env.GITHUB_WORKSPACE;
  if (!workspace) return {};
  const path = relative(workspace, resolve(io.cwd, criteriaPath));
  return path.startsWith('..') || isAbsolute(path) ? {} : { sourcePath: path };
}

function stdoutFormats(plan: DeliveryPlan): string[] {
  const explicit = plan.outputs.filter((t) => t.path === '-').map((t) => t.format);
  return [...(plan.stdoutFormat ? [plan.stdoutFormat] : []), ...explicit];
}

/** In GitHub Actions, the github format also leaves the markdown report on the run's summary page. */
async function appendStepSummary(report: AuditReport, plan: DeliveryPlan, io: Io): Promise<void> {
  const summaryFile = io.env.GITHUB_STEP_SUMMARY;
  const wantsGithub = [...stdoutFormats(plan), ...plan.outputs.map((t) => t.format)].includes('github');
  if (!summaryFile || !wantsGithub) return;
  try {
    await appendFile(summaryFile, FORMATTERS.markdown!.format(report, { lang: plan.lang, color: false, verbose: false }));
  } catch (error) {
    io.stderr.write(`audit: could not append to GITHUB_STEP_SUMMARY: ${(error as Error).message}\n`);
  }
}

/** A failed notification is said on stderr and changes nothing else: the report is already written. */
export async function notifyIfNeeded(report: AuditReport, plan: NotifyPlan, passed: boolean, delivery: Delivery, io: Io): Promise<void> {
  if (plan.notify.targets.length === 0) return;
  // The robot is told what the reports say, and no more: `report` is the same safe view.
  const summary = notifySummary(report, plan, passed, delivery.files[0]);
  if (!shouldNotify(plan.notify.on, summary)) return;
  const dispatcher = io.dispatcher ?? createDispatcher({ timeoutMs: 10_000 });
  try {
    for (const result of await sendNotifications(plan.notify.targets, summary, { dispatcher })) {
      // The answer is the webhook server's text: it could quote anything back.
      // Target and answer may come from an untrusted file or server: cleaned, then masked.
      if (!result.ok) io.stderr.write(`audit: notification to ${sanitize(describeTarget(result.target))} failed: ${plan.redactor.text(sanitize(result.detail))}\n`);
    }
  } finally {
    if (!io.dispatcher) await dispatcher.close();
  }
}

function notifySummary(report: AuditReport, plan: NotifyPlan, passed: boolean, reportPath: string | undefined): NotifySummary {
  const failing = leafResults(report.indicators).filter((r) => r.verdict === 'fail');
  return {
    title: report.title || catalogue(plan.lang).ui.labels.report,
    score: report.totals.score,
    maxScore: report.totals.maxScore,
    passed,
    complete: report.complete,
    regressed: report.changes ? hasRegression(report.changes) : false,
    counts: report.totals.indicators,
    newlyFailing: report.changes?.newlyFailing.map(({ id, title, reason }) => ({ id, title, reason })) ?? [],
    fixed: report.changes?.fixed ?? [],
    ...linkChanges(report.changes),
    ...(report.changes ? { scoreDelta: report.changes.scoreDelta } : {}),
    topProblems: failing.slice(0, 10).map((r) => ({ id: r.indicator.id, title: r.indicator.title, reason: problemText(r.problem, plan.lang) })),
    ...(reportPath ? { reportPath } : {}),
    lang: plan.lang,
  };
}

/** Set only when some link changed (see NotifySummary.newlyFailingEvidence). */
function linkChanges(changes: Changes | undefined): Pick<NotifySummary, 'newlyFailingEvidence' | 'fixedEvidence'> {
  const failing = changes?.newlyFailingEvidence ?? [];
  const fixed = changes?.fixedEvidence ?? [];
  return {
    ...(failing.length ? { newlyFailingEvidence: failing.map(({ indicatorId, title, url, reason }) => ({ id: indicatorId, title, url, reason })) } : {}),
    ...(fixed.length ? { fixedEvidence: fixed.map(({ indicatorId, title, url }) => ({ id: indicatorId, title, url })) } : {}),
  };
}

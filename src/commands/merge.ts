import { resolve } from 'node:path';
import type { AuditReport } from '../model/report.js';
import { EXIT } from '../exit-codes.js';
import { compareWithBaseline } from '../history/baseline.js';
import { readReportFile, ReportReadError } from '../report/read.js';
import { safeReport } from '../report/safe.js';
import { MergeError, mergeReports, type Part } from '../shard/merge.js';
import type { Lang } from '../i18n/index.js';
import { createRedactor } from '../util/redact.js';
import { exitCodeFor } from './audit.js';
import { deliverReports, notifyIfNeeded } from './deliver.js';
import { languageFor, UsageError, type Io } from './io.js';
import { parseScore } from './options.js';
import { loadBaseline, notifyPlan, parseOutputs, type AuditFlags, type ExitPolicy } from './prepare.js';

/** The report and policy options of a run: a merge writes, judges and notifies as a run does, and fetches nothing. */
export type MergeFlags = Pick<AuditFlags, 'format' | 'output' | 'verbose' | 'failUnder' | 'failOn' | 'baseline' | 'notify' | 'notifyOn' | 'quiet' | 'lang'>;

const FAIL_ON = ['unverified', 'regression'];

/**
 * `audit merge PART.json…`: the shards' JSON reports (--shard I/N) joined into the report one run
 * would have written, re-scored from the merged evidence, then written in every format asked
 * for, with the exit code of --fail-under, --fail-on and --baseline as `audit` gives it.
 * Nothing is fetched. Every problem with a file is exit 2, naming the file.
 */
export async function mergeCommand(files: string[], flags: MergeFlags, io: Io): Promise<number> {
  const lang = languageFor(flags.lang, io);
  const outputs = await parseOutputs(flags.output ?? [], io);
  const failOn = parseFailOn(flags.failOn);
  const threshold = parseScore('--fail-under', flags.failUnder);
  const notify = notifyPlan(flags, [], false);
  const { report, notes } = mergeOrExplain(await readParts(files, lang, io));
  for (const note of notes) io.stderr.write(`audit merge: note: ${note}\n`);
  if (flags.baseline) report.changes = compareWithBaseline(report, await loadBaseline(flags.baseline, report.title, io), lang);

  const plan = {
    lang, verbose: Boolean(flags.verbose), outputs, notify,
    // The reports read are already masked as their runs masked them; built-in masks still apply to what a webhook answers.
    redactor: createRedactor(),
    ...(flags.quiet && outputs.length > 0 ? {} : { stdoutFormat: flags.format ?? 'table' }),
  };
  const safe = safeReport(report);
  const written = await deliverReports(safe, plan, io);
  const code = exitCodeFor(report, policyFor(report, failOn, threshold));
  await notifyIfNeeded(safe, plan, code === EXIT.OK, written, io);
  return written.failed ? EXIT.USAGE : code;
}

async function readParts(files: string[], lang: Lang, io: Io): Promise<Part[]> {
  const parts: Part[] = [];
  for (const file of files) {
    try {
      parts.push({ file, read: await readReportFile(resolve(io.cwd, file), file, { lang }) });
    } catch (error) {
      if (error instanceof ReportReadError) throw new UsageError(`merge: ${error.message}`);
      throw error;
    }
  }
  return parts;
}

function mergeOrExplain(parts: Part[]): ReturnType<typeof mergeReports> {
  try {
    return mergeReports(parts);
  } catch (error) {
    if (error instanceof MergeError) throw new UsageError(`merge: ${error.message}`);
    throw error;
  }
}

function parseFailOn(values: string[] | undefined): string[] {
  const failOn = (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  const unknown = failOn.find((v) => !FAIL_ON.includes(v));
  if (unknown) throw new UsageError(`--fail-on: "${unknown}" is not a policy (use ${FAIL_ON.join(' or ')})`);
  return failOn;
}

/**
 * As `audit` sets it (see exitPolicy in prepare.ts): --fail-under is in points of the whole table,
 * scaled to the audited part's maximum when the shards audited only part of it (--only, --changed).
 */
function policyFor(report: AuditReport, failOn: string[], threshold: number | undefined): ExitPolicy {
  const share = report.selected ? report.totals.maxScore / (report.selected.tableMaxScore || 1) : 1;
  return {
    ...(threshold !== undefined ? { failUnder: threshold * share } : {}),
    failOnUnverified: failOn.includes('unverified'),
    failOnRegression: failOn.includes('regression'),
  };
}

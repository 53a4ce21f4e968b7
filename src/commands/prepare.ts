import { resolve } from 'node:path';
import type { Criteria } from '../criteria/types.js';
import { ResponseCache } from '../fetch/cache.js';
import { BaselineError, readBaseline, type Baseline } from '../history/baseline.js';
import { detectLang, parseLang, type Lang } from '../i18n/index.js';
import { DEFAULT_NOTIFY_ON, parseNotifyOn, parseNotifyTarget, type NotifyOn, type NotifyTarget } from '../notify/index.js';
import { FORMAT_NAMES } from '../report/index.js';
import { parseOutputSpec, type OutputTarget } from '../report/outputs.js';
import { changedLines, SelectionError, selectByChangedLines, selectByIds, type Selection } from '../select/index.js';
import { UsageError, type Io } from './io.js';
import { applyRunFlags, parseNow, parseScore, type RunFlags } from './options.js';

export interface AuditFlags extends RunFlags {
  format?: string;
  output?: string[];
  verbose?: boolean;
  failUnder?: string;
  failOn?: string[];
  baseline?: string;
  cache?: string;
  notify?: string[];
  notifyOn?: string;
  quiet?: boolean;
  lang?: string;
  changed?: string | boolean;
  only?: string[];
}

export interface ExitPolicy {
  failUnder?: number;
  failOnUnverified: boolean;
  failOnRegression: boolean;
}

/** Everything the command line asked for, parsed and checked before any request is made. */
export interface RunPlan {
  criteria: Criteria;
  lang: Lang;
  now: Date;
  quiet: boolean;
  verbose: boolean;
  /** What goes to standard output, and which files are written. */
  stdoutFormat?: string;
  outputs: OutputTarget[];
  policy: ExitPolicy;
  selection?: Selection;
  baseline?: Baseline;
  cache?: ResponseCache;
  notify: { targets: NotifyTarget[]; on: NotifyOn };
}

const FAIL_ON = ['unverified', 'regression'];

export async function prepareRun(criteria: Criteria, flags: AuditFlags, io: Io, file: string | undefined): Promise<RunPlan> {
  const outputs = parseOutputs(flags.output ?? []);
  const selection = await select(criteria, flags, file);
  const settings = applyRunFlags(criteria.settings, flags);
  return {
    criteria: { ...(selection?.criteria ?? criteria), settings },
    lang: resolveLang(flags.lang, io),
    now: parseNow(flags.now),
    quiet: Boolean(flags.quiet),
    verbose: Boolean(flags.verbose),
    // With --quiet and files to write, a cron job wants nothing on standard output.
    ...(flags.quiet && outputs.length > 0 ? {} : { stdoutFormat: flags.format ?? 'table' }),
    outputs,
    policy: exitPolicy(flags),
    ...(selection ? { selection } : {}),
    ...(flags.baseline ? { baseline: await loadBaseline(flags.baseline, io) } : {}),
    ...(flags.cache ? { cache: await openCache(flags.cache, io) } : {}),
    notify: notifyPlan(flags, criteria.settings.notify),
  };
}

function resolveLang(value: string | undefined, io: Io): Lang {
  if (value === undefined) return detectLang(io.env);
  const lang = parseLang(value);
  if (!lang) throw new UsageError(`--lang: "${value}" is not supported (use zh or en)`);
  return lang;
}

function parseOutputs(specs: string[]): OutputTarget[] {
  return specs.map((spec) => {
    const parsed = parseOutputSpec(spec, FORMAT_NAMES);
    if ('problem' in parsed) throw new UsageError(parsed.problem);
    return parsed;
  });
}

function exitPolicy(flags: AuditFlags): ExitPolicy {
  const failOn = (flags.failOn ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  const unknown = failOn.find((v) => !FAIL_ON.includes(v));
  if (unknown) throw new UsageError(`--fail-on: "${unknown}" is not a policy (use ${FAIL_ON.join(' or ')})`);
  const failUnder = parseScore('--fail-under', flags.failUnder);
  return {
    ...(failUnder !== undefined ? { failUnder } : {}),
    failOnUnverified: failOn.includes('unverified'),
    failOnRegression: failOn.includes('regression'),
  };
}

async function select(criteria: Criteria, flags: AuditFlags, file: string | undefined): Promise<Selection | undefined> {
  if (flags.only && flags.changed !== undefined) throw new UsageError('--only and --changed cannot be combined; pick one');
  if (flags.only) {
    const selected = selectByIds(criteria, flags.only.flatMap((v) => v.split(',')).filter(Boolean));
    if ('problem' in selected) throw new UsageError(`--only: ${selected.problem}`);
    return selected;
  }
  if (flags.changed === undefined) return undefined;
  if (!file) throw new UsageError('--changed needs a criteria file in a git repository');
  try {
    return selectByChangedLines(criteria, await changedLines(file, typeof flags.changed === 'string' ? flags.changed : undefined));
  } catch (error) {
    if (error instanceof SelectionError) throw new UsageError(`--changed: ${error.message}`);
    throw error;
  }
}

async function loadBaseline(path: string, io: Io): Promise<Baseline> {
  try {
    return await readBaseline(resolveFrom(io, path));
  } catch (error) {
    if (error instanceof BaselineError) throw new UsageError(error.message);
    throw error;
  }
}

async function openCache(dir: string, io: Io): Promise<ResponseCache> {
  try {
    return await ResponseCache.open(resolveFrom(io, dir));
  } catch (error) {
    throw new UsageError(`--cache: ${(error as Error).message}`);
  }
}

function notifyPlan(flags: AuditFlags, fromSettings: string[]): RunPlan['notify'] {
  const targets = [...(flags.notify ?? []), ...fromSettings].map((spec) => {
    const parsed = parseNotifyTarget(spec);
    if ('problem' in parsed) throw new UsageError(`--notify: ${parsed.problem}`);
    return parsed;
  });
  const on = flags.notifyOn === undefined ? DEFAULT_NOTIFY_ON : parseNotifyOn(flags.notifyOn);
  if (typeof on !== 'string') throw new UsageError(`--notify-on: ${on.problem}`);
  return { targets, on };
}

function resolveFrom(io: Io, path: string): string {
  return resolve(io.cwd, path);
}

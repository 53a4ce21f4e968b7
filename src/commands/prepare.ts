import { constants } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { DEFAULT_REDACTED_REQUEST_HEADERS, EvidenceArchive } from '../archive/index.js';
import type { Criteria, RenderMode } from '../model/criteria.js';
import { findBrowser } from '../render/index.js';
import { isPrivateAddress, normalizeHost, parseCaPem, resolveProxy, type NetworkOptions, type ProxySettings } from '../network/index.js';
import { ResponseCache } from '../fetch/cache.js';
import { BaselineError, checkBaselineFits, readBaseline, type Baseline } from '../history/baseline.js';
import { maxScoreOf } from '../score/score.js';
import type { Lang } from '../i18n/index.js';
import { DEFAULT_NOTIFY_ON, parseNotifyOn, parseNotifyTarget, type NotifyOn, type NotifyTarget } from '../notify/index.js';
import { FORMAT_NAMES } from '../report/index.js';
import { parseOutputSpec, type OutputTarget } from '../report/outputs.js';
import { changedLines, SelectionError, selectByChangedLines, selectByIds, type Selection } from '../select/index.js';
import { redactorFor, type Redactor } from '../util/redact.js';
import { noShardNotifications, resolveShard } from '../shard/spec.js';
import { type Shard } from '../model/report.js';
import { spoolPathFor } from '../spool/index.js';
import { languageFor, UsageError, type Io } from './io.js';
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
  render?: string;
  archive?: string;
  proxy?: string;
  insecure?: boolean;
  ca?: string[];
  resume?: boolean;
  /** --shard I/N or auto, and --shard-total N with auto in a Kubernetes Indexed Job (src/shard/spec.ts). */
  shard?: string;
  shardTotal?: string;
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
  renderOverride?: RenderMode;
  browserPath?: string;
  /** Opened last, once nothing else on the command line can fail. */
  archive?: EvidenceArchive;
  network: NetworkPlan;
  /** What every output masks: the criteria's `redact:` names, its hosts' header and cookie values. */
  redactor: Redactor;
  /** --shard: audit only the evidence whose host hashes to this shard; the rest is marked OTHER_SHARD. */
  shard?: Shard;
  /** Where results wait for the report (see Spool), and whether an interrupted run's spool is continued. */
  spool: { path: string; resume: boolean };
}

export interface NetworkPlan {
  /** For the dispatcher. */
  options: Omit<NetworkOptions, 'timeoutMs'>;
  /** For the run: which proxy a URL goes through, and which hosts are let off a bad certificate. */
  proxy?: ProxySettings;
  ca?: string[];
  insecureHosts: (host: string) => boolean;
}

const FAIL_ON = ['unverified', 'regression'];

export async function prepareRun(criteria: Criteria, flags: AuditFlags, io: Io, file: string | undefined): Promise<RunPlan> {
  const shard = resolveShard(flags, io.env);
  const outputs = await parseOutputs(flags.output ?? [], io);
  const selection = await select(criteria, flags, file);
  const settings = applyRunFlags(criteria.settings, flags);
  const lang = languageFor(flags.lang, io);
  return {
    criteria: { ...(selection?.criteria ?? criteria), settings },
    lang,
    now: parseNow(flags.now),
    quiet: Boolean(flags.quiet),
    verbose: Boolean(flags.verbose),
    // With --quiet and files to write, a cron job wants nothing on standard output.
    ...(flags.quiet && outputs.length > 0 ? {} : { stdoutFormat: flags.format ?? 'table' }),
    outputs,
    policy: exitPolicy(flags, criteria, selection),
    ...(selection ? { selection } : {}),
    ...(flags.baseline ? { baseline: await loadBaseline(flags.baseline, criteria.title, io) } : {}),
    // An archive must hold every body as served, so with --archive pages are fetched in full, not revalidated.
    ...(flags.cache && !flags.archive ? { cache: await openCache(flags.cache, io) } : {}),
    notify: shard ? noShardNotifications(criteria.settings.notify, Boolean(flags.quiet), io) : notifyPlan(flags, criteria.settings.notify, settings.blockPrivate),
    ...(shard ? { shard } : {}),
    ...renderPlan(flags, io),
    network: await networkPlan(flags, criteria, io, settings.blockPrivate),
    ...(flags.archive ? { archive: await openArchive(flags.archive, criteria, io) } : {}),
    redactor: redactorFor({ settings, hosts: criteria.hosts }),
    spool: {
      path: spoolPathFor(file ?? criteria.path, firstFile(outputs, io), flags.cache ? resolveFrom(io, flags.cache) : undefined, shard),
      resume: Boolean(flags.resume),
    },
  };
}

function firstFile(outputs: OutputTarget[], io: Io): string | undefined {
  const file = outputs.find((o) => o.path !== '-');
  return file ? resolveFrom(io, file.path) : undefined;
}

/** Checked before the audit, so a typo in a path fails in a second, not after an hour of fetching. */
export async function parseOutputs(specs: string[], io: Io): Promise<OutputTarget[]> {
  const seen = new Set<string>();
  const targets: OutputTarget[] = [];
  for (const spec of specs) {
    const parsed = parseOutputSpec(spec, FORMAT_NAMES);
    if ('problem' in parsed) throw new UsageError(parsed.problem);
    if (parsed.path !== '-') {
      const path = resolveFrom(io, parsed.path);
      if (seen.has(path)) throw new UsageError(`--output ${spec}: ${parsed.path} is named twice; give each report its own file`);
      seen.add(path);
      const problem = await unwritable(path);
      if (problem) throw new UsageError(`--output ${spec}: ${problem}`);
    }
    targets.push(parsed);
  }
  return targets;
}

async function unwritable(path: string): Promise<string | undefined> {
  const info = await stat(path).catch(() => undefined);
  if (info?.isDirectory()) return `${path} is a folder; name a file inside it`;
  try {
    await access(dirname(path), constants.W_OK);
    return undefined;
  } catch {
    return `cannot write in ${dirname(path)} (missing, or no permission)`;
  }
}

/**
 * --fail-under is in points of the whole table. When only part of it is audited (--only,
 * --changed), the threshold is scaled to that part's maximum, so a passing subset can pass.
 */
function exitPolicy(flags: AuditFlags, full: Criteria, selection: Selection | undefined): ExitPolicy {
  const failOn = (flags.failOn ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  const unknown = failOn.find((v) => !FAIL_ON.includes(v));
  if (unknown) throw new UsageError(`--fail-on: "${unknown}" is not a policy (use ${FAIL_ON.join(' or ')})`);
  const threshold = parseScore('--fail-under', flags.failUnder);
  const share = selection ? maxScoreOf(selection.criteria.indicators) / (maxScoreOf(full.indicators) || 1) : 1;
  const failUnder = threshold === undefined ? undefined : threshold * share;
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

export async function loadBaseline(path: string, title: string, io: Io): Promise<Baseline> {
  let baseline: Baseline;
  try {
    baseline = await readBaseline(resolveFrom(io, path));
  } catch (error) {
    if (error instanceof BaselineError) throw new UsageError(error.message);
    throw error;
  }
  const misfit = checkBaselineFits(baseline, title);
  if (misfit) throw new UsageError(misfit);
  if (!baseline.complete) {
    io.stderr.write(`audit: warning: --baseline ${path} is from an interrupted run; indicators it did not check count as new\n`);
  }
  return baseline;
}

async function openCache(dir: string, io: Io): Promise<ResponseCache> {
  try {
    return await ResponseCache.open(resolveFrom(io, dir));
  } catch (error) {
    throw new UsageError(`--cache: ${(error as Error).message}`);
  }
}

/**
 * With block_private, webhooks from the criteria file (settings.notify) are posted only to public
 * addresses: the file may be a stranger's. --notify is the operator's own, and trusted.
 */
export function notifyPlan(flags: AuditFlags, fromSettings: string[], blockPrivate: boolean): RunPlan['notify'] {
  const trusted = (flags.notify ?? []).length;
  const targets = [...(flags.notify ?? []), ...fromSettings].map((spec, i) => {
    const parsed = parseNotifyTarget(spec);
    if ('problem' in parsed) throw new UsageError(`--notify: ${parsed.problem}`);
    return blockPrivate && i >= trusted ? { ...parsed, guarded: true } : parsed;
  });
  const on = flags.notifyOn === undefined ? DEFAULT_NOTIFY_ON : parseNotifyOn(flags.notifyOn);
  if (typeof on !== 'string') throw new UsageError(`--notify-on: ${on.problem}`);
  return { targets, on };
}

function renderPlan(flags: AuditFlags, io: Io): Pick<RunPlan, 'renderOverride' | 'browserPath'> {
  const modes: RenderMode[] = ['auto', 'always', 'never'];
  if (flags.render !== undefined && !modes.includes(flags.render as RenderMode)) {
    throw new UsageError(`--render: "${flags.render}" is not a mode (use auto, always or never)`);
  }
  const browserPath = flags.render === 'never' ? undefined : findBrowser(io.env);
  return {
    ...(flags.render ? { renderOverride: flags.render as RenderMode } : {}),
    ...(browserPath ? { browserPath } : {}),
  };
}

async function networkPlan(flags: AuditFlags, criteria: Criteria, io: Io, blockPrivate: boolean): Promise<NetworkPlan> {
  const ca: string[] = [];
  for (const file of flags.ca ?? []) {
    try {
      ca.push(...parseCaPem(await readFile(resolveFrom(io, file), 'utf8'), file));
    } catch (error) {
      throw new UsageError(`--ca ${file}: ${(error as Error).message}`);
    }
  }
  const lenient = new Set(Object.entries(criteria.hosts).filter(([, host]) => host.insecure).map(([name]) => normalizeHost(name.replace(/:\d+$/, ''))));
  const insecureHosts = (host: string) => Boolean(flags.insecure) || lenient.has(normalizeHost(host));
  const options: NetworkPlan['options'] = {
    env: io.env, insecureHosts, ...(ca.length ? { ca } : {}), ...(flags.proxy !== undefined ? { proxy: flags.proxy } : {}),
    ...(blockPrivate ? { blockAddress: isPrivateAddress } : {}),
  };
  let proxy: ProxySettings | undefined;
  try {
    proxy = resolveProxy({ ...(flags.proxy !== undefined ? { proxy: flags.proxy } : {}), env: io.env });
  } catch (error) {
    throw new UsageError(`--proxy: ${(error as Error).message}`);
  }
  // A proxy resolves names itself; checking our own lookup of them would not stop DNS rebinding.
  if (blockPrivate && proxy) {
    throw new UsageError('--block-private (block_private) cannot be used with a proxy (--proxy, HTTP_PROXY or HTTPS_PROXY): the proxy resolves host names itself, so the address it connects to cannot be checked; run without it (--proxy "")');
  }
  return { options, insecureHosts, ...(proxy ? { proxy } : {}), ...(ca.length ? { ca } : {}) };
}

/** Headers the criteria add for a host may carry credentials (X-Api-Key …): keep them out of the WARC. */
async function openArchive(dir: string, criteria: Criteria, io: Io): Promise<EvidenceArchive> {
  const secrets = Object.values(criteria.hosts).flatMap((host) => Object.keys(host.headers).map((name) => name.toLowerCase()));
  try {
    return await EvidenceArchive.open(resolveFrom(io, dir), { redactRequestHeaders: [...DEFAULT_REDACTED_REQUEST_HEADERS, ...secrets] });
  } catch (error) {
    throw new UsageError(`--archive: ${(error as Error).message}`);
  }
}

function resolveFrom(io: Io, path: string): string {
  return resolve(io.cwd, path);
}

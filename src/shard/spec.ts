import { UsageError, type Io } from '../commands/io.js';
import { DEFAULT_NOTIFY_ON, type NotifyOn, type NotifyTarget } from '../notify/index.js';
import { type Shard } from '../model/report.js';

/** More shards than this is a typo, not a plan: every shard still loads the whole criteria file. */
export const MAX_SHARDS = 1000;

/** The flags that choose a shard, and those that judge the whole table and so belong on `audit merge`. */
export interface ShardFlags {
  shard?: string;
  shardTotal?: string;
  failUnder?: string;
  failOn?: string[];
  baseline?: string;
  notify?: string[];
  notifyOn?: string;
}

const WHOLE_TABLE_FLAGS: [keyof ShardFlags, string][] = [
  ['failUnder', '--fail-under'], ['failOn', '--fail-on'], ['baseline', '--baseline'], ['notify', '--notify'], ['notifyOn', '--notify-on'],
];

/**
 * `--shard I/N` (I from 1 to N), or `--shard auto`: GitLab's `parallel:` (CI_NODE_INDEX, 1-based,
 * and CI_NODE_TOTAL), else a Kubernetes Indexed Job (JOB_COMPLETION_INDEX, 0-based, converted)
 * with `--shard-total N`. Undefined without --shard. Every mistake is a UsageError naming the
 * flag or variable and the fix.
 */
export function resolveShard(flags: ShardFlags, env: Record<string, string | undefined>): Shard | undefined {
  if (flags.shard === undefined) {
    if (flags.shardTotal !== undefined) throw new UsageError('--shard-total goes with --shard auto in a Kubernetes Indexed Job (--shard auto --shard-total N); for a fixed shard pass --shard I/N');
    return undefined;
  }
  const spec = flags.shard.trim();
  const shard = spec === 'auto' ? fromEnvironment(flags.shardTotal, env) : fromSpec(spec, flags.shardTotal);
  for (const [key, flag] of WHOLE_TABLE_FLAGS) {
    const value = flags[key];
    if (value !== undefined && !(Array.isArray(value) && value.length === 0)) {
      throw new UsageError(`${flag} cannot be used with --shard: a shard judges only part of the evidence, so ${flag} belongs on \`audit merge\`, which joins the shards' reports into the whole table`);
    }
  }
  return shard;
}

function fromSpec(spec: string, shardTotal: string | undefined): Shard {
  if (shardTotal !== undefined) throw new UsageError(`--shard-total is only for --shard auto with JOB_COMPLETION_INDEX; --shard ${spec} already gives the total`);
  const match = /^(\d+)\s*\/\s*(\d+)$/.exec(spec);
  if (!match) throw new UsageError(`--shard "${spec}" is not I/N (use e.g. --shard 2/3, the second of three shards, numbered from 1; or --shard auto in GitLab parallel: jobs and Kubernetes Indexed Jobs)`);
  const total = checkedTotal(Number(match[2]), `--shard ${spec}`);
  const index = Number(match[1]);
  if (index === 0) {
    throw new UsageError(`--shard ${spec}: shards are numbered from 1 (1/${total} … ${total}/${total}); for a 0-based index such as Kubernetes's JOB_COMPLETION_INDEX, use --shard auto --shard-total ${total}`);
  }
  if (index > total) throw new UsageError(`--shard ${spec}: there is no shard ${index} of ${total} (use 1/${total} … ${total}/${total})`);
  return { index, total };
}

function checkedTotal(total: number, what: string): number {
  if (total < 1) throw new UsageError(`${what}: the number of shards must be at least 1`);
  if (total > MAX_SHARDS) throw new UsageError(`${what}: at most ${MAX_SHARDS} shards`);
  return total;
}

const NO_SHARD_IN_ENV = '--shard auto: no shard in the environment. GitLab\'s parallel: sets CI_NODE_INDEX and CI_NODE_TOTAL; '
  + 'a Kubernetes Indexed Job sets JOB_COMPLETION_INDEX (add --shard-total N, the Job\'s completions); elsewhere pass --shard I/N, e.g. --shard 1/3';

function fromEnvironment(shardTotal: string | undefined, env: Record<string, string | undefined>): Shard {
  const gitlabIndex = env.CI_NODE_INDEX?.trim() || undefined;
  const gitlabTotal = env.CI_NODE_TOTAL?.trim() || undefined;
  if (gitlabIndex !== undefined || gitlabTotal !== undefined) return fromGitlab(gitlabIndex, gitlabTotal, shardTotal);
  const k8sIndex = env.JOB_COMPLETION_INDEX?.trim() || undefined;
  if (k8sIndex !== undefined) return fromKubernetes(k8sIndex, shardTotal);
  throw new UsageError(NO_SHARD_IN_ENV);
}

/** GitLab numbers parallel jobs from 1, as --shard does. */
function fromGitlab(index: string | undefined, total: string | undefined, shardTotal: string | undefined): Shard {
  if (index === undefined || total === undefined) {
    throw new UsageError(`--shard auto: ${index === undefined ? 'CI_NODE_TOTAL is set but CI_NODE_INDEX is not' : 'CI_NODE_INDEX is set but CI_NODE_TOTAL is not'}; GitLab sets both in a job with parallel: N, or pass --shard I/N`);
  }
  if (!/^\d+$/.test(index) || !/^\d+$/.test(total)) {
    throw new UsageError(`--shard auto: CI_NODE_INDEX=${index} CI_NODE_TOTAL=${total} are not numbers; GitLab sets them in a job with parallel: N, or pass --shard I/N`);
  }
  const n = checkedTotal(Number(total), `--shard auto: CI_NODE_TOTAL=${total}`);
  if (shardTotal !== undefined && Number(shardTotal) !== n) {
    throw new UsageError(`--shard-total ${shardTotal} disagrees with CI_NODE_TOTAL=${total}; in GitLab leave --shard-total out`);
  }
  const i = Number(index);
  if (i < 1 || i > n) throw new UsageError(`--shard auto: CI_NODE_INDEX=${index} is out of range for CI_NODE_TOTAL=${total} (GitLab numbers parallel jobs from 1 to ${n})`);
  return { index: i, total: n };
}

/** Kubernetes numbers an Indexed Job's pods from 0; shards are numbered from 1, so index + 1. */
function fromKubernetes(index: string, shardTotal: string | undefined): Shard {
  if (shardTotal === undefined) {
    throw new UsageError(`--shard auto: JOB_COMPLETION_INDEX=${index} is set (a Kubernetes Indexed Job) but not how many shards there are; add --shard-total N, the Job's completions`);
  }
  if (!/^\d+$/.test(shardTotal.trim())) throw new UsageError(`--shard-total "${shardTotal}" is not a number (use the Job's completions, e.g. --shard-total 3)`);
  const n = checkedTotal(Number(shardTotal), `--shard-total ${shardTotal}`);
  if (!/^\d+$/.test(index) || Number(index) >= n) {
    throw new UsageError(`--shard auto: JOB_COMPLETION_INDEX=${index} is out of range for --shard-total ${shardTotal} (Kubernetes numbers pods from 0 to ${n - 1}; set --shard-total to the Job's completions)`);
  }
  return { index: Number(index) + 1, total: n };
}

export function shardText(shard: Shard): string {
  return `${shard.index}/${shard.total}`;
}

/**
 * A shard sends no notification: it knows only part of the table, and N shards would post N
 * times. The criteria's settings.notify is said to be left to `audit merge --notify`.
 */
export function noShardNotifications(fromSettings: string[], quiet: boolean, io: Pick<Io, 'stderr'>): { targets: NotifyTarget[]; on: NotifyOn } {
  if (fromSettings.length > 0 && !quiet) {
    io.stderr.write('audit: note: a shard run sends no notifications (settings.notify); pass --notify to `audit merge`, which judges the whole table\n');
  }
  return { targets: [], on: DEFAULT_NOTIFY_ON };
}
